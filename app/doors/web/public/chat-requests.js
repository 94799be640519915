/*
 * The chat page's requests: a card under the reply that made one (following it until it is final),
 * and "My requests", the person's requests from GET /requests?email=, refreshed by itself. The
 * states' words and which states are final come from the core (the page data), never a copy here.
 */
(() => {
  var CARD_EVERY_MS = 1500;
  var CARD_FOR_MS = 30 * 60 * 1000;
  var LIST_OPEN_EVERY_MS = 4000;
  var LIST_IDLE_EVERY_MS = 20000;

  /** ctx: { data: {statusWords, finalStatuses}, headers(), readJson(res), revealApiKey(text), scrollToEnd(), email(), usesKey() } */
  window.VendingChat.requests = (ctx) => {
    var cardTemplate = document.getElementById('request-card-template');
    var list = document.getElementById('my-requests');
    var listEmpty = document.getElementById('my-requests-empty');
    var listNote = document.getElementById('my-requests-note');
    var pollers = [];
    var listTimer = null;

    var words = (status) => {
      var w = ctx.data.statusWords[status] || status;
      return w.charAt(0).toUpperCase() + w.slice(1);
    };
    var isFinal = (status) => ctx.data.finalStatuses.indexOf(status) >= 0;
    var pageOf = (id) => `requests/${encodeURIComponent(id)}`;

    function fill(root, testid, value) {
      var el = root.querySelector(`[data-testid="${testid}"]`);
      el.textContent = value == null || value === '' ? '—' : String(value);
    }
    function showRows(card, cls, on) {
      Array.prototype.forEach.call(card.querySelectorAll(`.${cls}`), (el) => {
        el.hidden = !on;
      });
    }
    function statusPill(el, status) {
      el.className = `status status-${status}`;
      el.setAttribute('data-status', status);
      el.textContent = words(status);
    }
    /** "Denied by <name>." when the decision says who denied, else the state's words. */
    function summaryOf(r) {
      var p = r.provisioning || {};
      var by = r.decision?.by && (r.decision.by.name || r.decision.by.email || r.decision.by.id);
      if (r.status === 'DENIED') return `Denied${by ? ` by ${by}` : ''}.`;
      if (r.status === 'SUCCEEDED' && p.factory === 'sandbox') return 'Ready (simulated by the sandbox Account Factory).';
      return `${words(r.status)}${by && r.decision.outcome === 'approved' && !isFinal(r.status) ? ` (approved by ${by})` : ''}.`;
    }

    function renderCard(card, r) {
      var status = r.status || 'PENDING_APPROVAL';
      statusPill(card.querySelector('[data-testid="request-status"]'), status);
      card.setAttribute('data-status', status);
      var account = r.account || {};
      var ou = account.ou || {};
      fill(card, 'request-account-name', account.name);
      fill(card, 'request-account-type', account.type);
      fill(card, 'request-account-email', account.email);
      fill(card, 'request-ou', ou.id ? `${ou.name} (${ou.id})` : ou.name);
      fill(card, 'request-id', r.id);
      fill(card, 'request-summary', summaryOf(r));
      var p = r.provisioning || {};
      showRows(card, 'row-account-id', !!p.accountId);
      if (p.accountId) {
        fill(card, 'account-id', p.accountId);
        card.querySelector('[data-testid="sandbox-badge"]').hidden = p.factory !== 'sandbox';
      }
      var why = status === 'DENIED' ? r.decision?.reason : status === 'FAILED' ? p.failureReason : '';
      showRows(card, 'row-failure', !!why);
      if (why) fill(card, 'request-failure', why);
    }

    /** A card that follows one request until it is final (or for 30 minutes). */
    function addCard(id, initial, where) {
      var card = cardTemplate.content.firstElementChild.cloneNode(true);
      card.setAttribute('data-request-id', id);
      var note = card.querySelector('[data-testid="request-poll-note"]');
      var link = card.querySelector('[data-testid="request-link"]');
      // Behind an API key the page cannot be opened by a link: the card is the view.
      if (ctx.usesKey()) link.remove();
      else link.href = pageOf(id);
      renderCard(card, initial && initial.id === id ? initial : { id: id, status: 'PENDING_APPROVAL' });
      (where || document.getElementById('conversation')).appendChild(card);
      ctx.scrollToEnd();

      var started = Date.now();
      var timer = null;
      var stopped = false;
      var waitingForKey = false;
      var poller = {
        resume: () => {
          if (waitingForKey && !stopped) {
            waitingForKey = false;
            schedule(0);
          }
        },
      };
      pollers.push(poller);
      function stop(why) {
        stopped = true;
        clearTimeout(timer);
        note.textContent = why;
        pollers = pollers.filter((x) => x !== poller);
      }
      function schedule(ms) {
        clearTimeout(timer);
        timer = setTimeout(poll, ms);
      }
      function poll() {
        if (stopped) return;
        if (Date.now() - started > CARD_FOR_MS) return stop('Stopped checking after 30 minutes; "My requests" still follows it.');
        fetch(pageOf(id), { headers: ctx.headers({ accept: 'application/json' }), cache: 'no-store' })
          .then((res) => ctx.readJson(res).then((data) => ({ status: res.status, data: data })))
          .then((r) => {
            if (stopped) return;
            if (r.status === 401) {
              waitingForKey = true;
              note.textContent = 'Waiting for an API key to check this request.';
              ctx.revealApiKey('This server asks for an API key. Enter it to keep following your request.');
              return;
            }
            if (r.status === 404) return stop('This request could not be found.');
            if (r.status !== 200) {
              note.textContent = `Could not check the request (HTTP ${r.status}); trying again…`;
              return schedule(CARD_EVERY_MS * 2);
            }
            var before = card.getAttribute('data-status');
            renderCard(card, r.data);
            if (before !== r.data.status) ctx.scrollToEnd();
            if (isFinal(r.data.status)) return stop(`Final; checked ${new Date().toLocaleTimeString()}.`);
            note.textContent = `Updates by itself · checked ${new Date().toLocaleTimeString()}`;
            schedule(CARD_EVERY_MS);
          })
          .catch(() => {
            if (stopped) return;
            note.textContent = 'Connection lost; trying again…';
            schedule(CARD_EVERY_MS * 2);
          });
      }
      note.textContent = 'Updates by itself.';
      // A card brought back after a reload is checked at once.
      schedule(initial ? CARD_EVERY_MS : 0);
      return card;
    }

    function renderList(requests) {
      listEmpty.hidden = requests.length > 0;
      list.replaceChildren(
        ...requests.map((r) => {
          var li = document.createElement('li');
          li.className = 'my-request';
          li.setAttribute('data-request-id', r.id);
          li.setAttribute('data-status', r.status);
          var name = document.createElement(ctx.usesKey() ? 'span' : 'a');
          name.className = 'name';
          name.textContent = r.account?.name || r.id;
          if (!ctx.usesKey()) name.href = pageOf(r.id);
          var pill = document.createElement('span');
          statusPill(pill, r.status);
          pill.setAttribute('data-testid', 'my-request-status');
          var id = document.createElement('code');
          id.textContent = r.id;
          li.append(name, pill, id);
          return li;
        }),
      );
    }

    /** Reads the person's requests now, and again by itself: often while one is still open. */
    function refreshList() {
      clearTimeout(listTimer);
      var email = ctx.email();
      // Only an address the server can look up (the profile field says what is wrong with others).
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) return;
      fetch(`requests?email=${encodeURIComponent(email)}`, { headers: ctx.headers({ accept: 'application/json' }), cache: 'no-store' })
        .then((res) => ctx.readJson(res).then((data) => ({ status: res.status, data: data })))
        .then((r) => {
          if (r.status !== 200 || !Array.isArray(r.data.requests)) {
            listNote.textContent = r.status === 401 ? 'Enter the API key to see your requests.' : '';
            if (r.status !== 401 && r.status !== 400) listTimer = setTimeout(refreshList, LIST_IDLE_EVERY_MS);
            return;
          }
          renderList(r.data.requests);
          var open = r.data.requests.some((x) => !isFinal(x.status));
          listNote.textContent = `Updates by itself · checked ${new Date().toLocaleTimeString()}`;
          listTimer = setTimeout(refreshList, open ? LIST_OPEN_EVERY_MS : LIST_IDLE_EVERY_MS);
        })
        .catch(() => {
          listNote.textContent = 'Connection lost; trying again…';
          listTimer = setTimeout(refreshList, LIST_IDLE_EVERY_MS);
        });
    }

    return {
      addCard: addCard,
      refreshList: refreshList,
      resumeAll: () => {
        pollers.forEach((p) => {
          p.resume();
        });
      },
    };
  };
})();
