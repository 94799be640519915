/*
 * The chat page: a thin client of POST /account (one turn per message) and GET /requests/:id
 * (request cards). No framework and no build step; loaded as /app.js because the CSP allows
 * scripts from this origin only.
 */
(() => {
  var PROFILE_KEY = 'vending-bot.profile';
  var API_KEY_KEY = 'vending-bot.api-key';
  var POLL_EVERY_MS = 1500;
  var POLL_FOR_MS = 30 * 60 * 1000;
  var TERMINAL = ['SUCCEEDED', 'FAILED', 'DENIED', 'CANCELLED', 'EXPIRED'];
  var STATUS_TEXT = {
    PENDING_APPROVAL: 'Waiting for an approver to decide.',
    APPROVED: 'Approved. Provisioning starts as soon as the Account Factory has room.',
    PROVISIONING: 'The Account Factory is creating the account…',
    SUCCEEDED: 'The account is ready.',
    FAILED: 'Provisioning failed.',
    DENIED: 'The request was denied.',
    CANCELLED: 'The request was cancelled.',
    EXPIRED: 'The request expired before an approver decided.',
  };
  /** Which profile input a server error about a body field belongs to. */
  var FIELD_INPUTS = { UserName: 'first-name', UserLastname: 'last-name', UserEmail: 'email' };

  var $ = (id) => document.getElementById(id);
  var inputs = { firstName: $('first-name'), lastName: $('last-name'), email: $('email') };
  var conversation = $('conversation');
  var composer = $('composer');
  var message = $('message');
  var send = $('send');
  var typing = $('typing');
  var apiKeyForm = $('api-key-form');
  var apiKeyInput = $('api-key');
  var apiKeyNote = $('api-key-note');
  var cardTemplate = $('request-card-template');

  var busy = false;
  /** The message that met a 401, sent again once an API key is given. */
  var awaitingKey = null;
  var pollers = [];

  // ---- storage (either may be unavailable, e.g. in a locked-down browser) ----
  function load(storage, key) {
    try {
      return window[storage].getItem(key);
    } catch {
      return null;
    }
  }
  function save(storage, key, value) {
    try {
      if (value === null) window[storage].removeItem(key);
      else window[storage].setItem(key, value);
    } catch {
      /* not remembered; the page still works */
    }
  }

  function restoreProfile() {
    var saved;
    try {
      saved = JSON.parse(load('localStorage', PROFILE_KEY) || '{}') || {};
    } catch {
      saved = {};
    }
    Object.keys(inputs).forEach((k) => {
      if (typeof saved[k] === 'string') inputs[k].value = saved[k];
    });
  }
  function saveProfile() {
    var p = {};
    Object.keys(inputs).forEach((k) => {
      p[k] = inputs[k].value;
    });
    save('localStorage', PROFILE_KEY, JSON.stringify(p));
  }

  function apiKey() {
    return load('sessionStorage', API_KEY_KEY) || '';
  }
  function headers(extra) {
    var h = extra || {};
    var key = apiKey();
    if (key) h['x-api-key'] = key;
    return h;
  }

  /** Ends a message with a full stop, so a sentence after it reads as its own. */
  function sentence(t) {
    return /[.!?]$/.test(t) ? t : `${t}.`;
  }

  // ---- conversation ----
  function scrollToEnd() {
    conversation.scrollTop = conversation.scrollHeight;
  }

  function bubble(kind, text, testid) {
    var li = document.createElement('li');
    li.className = `bubble ${kind}`;
    if (testid) li.setAttribute('data-testid', testid);
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = kind === 'user' ? 'You' : kind === 'problem' ? 'Problem' : 'Bot';
    var body = document.createElement('div');
    body.className = 'text';
    body.textContent = text; // CSS keeps the line breaks (white-space: pre-wrap)
    li.appendChild(who);
    li.appendChild(body);
    if (kind === 'problem') li.setAttribute('role', 'alert');
    conversation.appendChild(li);
    scrollToEnd();
    return li;
  }

  function setBusy(on) {
    busy = on;
    send.disabled = on;
    composer.setAttribute('aria-busy', on ? 'true' : 'false');
    typing.hidden = !on;
    if (on) scrollToEnd();
  }

  function showFieldError(inputId, text) {
    var input = $(inputId);
    var err = $(`${inputId}-error`);
    input.setAttribute('aria-invalid', 'true');
    err.textContent = text;
    err.hidden = false;
    input.focus();
  }
  function clearFieldError(inputId) {
    var err = $(`${inputId}-error`);
    $(inputId).removeAttribute('aria-invalid');
    err.textContent = '';
    err.hidden = true;
  }

  function revealApiKey(text) {
    apiKeyForm.hidden = false;
    apiKeyNote.textContent = text;
    apiKeyInput.focus();
  }

  function readJson(res) {
    return res.text().then((t) => {
      try {
        return t ? JSON.parse(t) : {};
      } catch {
        return { error: `The server answered HTTP ${res.status} with something that is not JSON.` };
      }
    });
  }

  /** A turn the server could not use (HTTP 400): why, next to the profile field it is about if any. */
  function showRefusal(data, text, userBubble) {
    var msg = data.error || 'The server could not use that message.';
    var inputId = FIELD_INPUTS[data.field];
    userBubble.classList.add('failed');
    if (inputId) {
      // Next to the field, the field's API name ("UserEmail: ") says nothing a person needs.
      showFieldError(inputId, msg.replace(/^\w+: /, ''));
      bubble('problem', `${sentence(msg)} Fix it above and send your message again.`, 'error-message');
      message.value = message.value || text;
    } else {
      bubble('problem', sentence(msg), 'error-message');
    }
  }

  /** Sends one turn; `userBubble` is the bubble already shown for it. */
  function sendTurn(text, userBubble) {
    var body = {
      UserEmail: inputs.email.value.trim(),
      UserName: inputs.firstName.value.trim(),
      UserLastname: inputs.lastName.value.trim(),
      UserInput: text,
    };
    setBusy(true);
    return fetch('account', {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json', accept: 'application/json' }),
      body: JSON.stringify(body),
      cache: 'no-store',
    })
      .then((res) => readJson(res).then((data) => ({ status: res.status, data: data })))
      .then((r) => {
        if (r.status === 401) {
          awaitingKey = { text: text, bubble: userBubble };
          userBubble.classList.add('pending');
          revealApiKey(
            apiKey()
              ? 'That API key was not accepted. Enter the right key to send your message.'
              : 'This server asks for an API key. Enter it to send your message; it is kept for this browser tab only.',
          );
          return;
        }
        if (r.status === 400) {
          showRefusal(r.data, text, userBubble);
          return;
        }
        if (r.status === 409 && typeof r.data.response === 'string') {
          // Another message already made the request (or holds the e-mail): say so and show it.
          bubble('bot', r.data.response, 'bot-message');
          if (r.data.conflictingRequestId) addRequestCard(r.data.conflictingRequestId);
          return;
        }
        if (r.status >= 300 || typeof r.data.response !== 'string') {
          userBubble.classList.add('failed');
          bubble('problem', `${sentence(r.data.error || `The server answered HTTP ${r.status}`)} Please try again.`, 'error-message');
          return;
        }
        bubble('bot', r.data.response, 'bot-message');
        if (r.data.requestId) addRequestCard(r.data.requestId, r.data.request);
      })
      .catch(() => {
        userBubble.classList.add('failed');
        bubble('problem', 'Could not reach the server. Check the connection and send the message again.', 'error-message');
      })
      .then(() => {
        setBusy(false);
      });
  }

  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy) return;
    var text = message.value.trim();
    if (!text) {
      message.focus();
      return;
    }
    var missing = [
      ['first-name', inputs.firstName, 'Enter your first name.'],
      ['last-name', inputs.lastName, 'Enter your last name.'],
      ['email', inputs.email, 'Enter your e-mail address.'],
    ].filter((f) => !f[1].value.trim());
    if (missing.length) {
      missing.forEach((f) => {
        showFieldError(f[0], f[2]);
      });
      $(missing[0][0]).focus();
      return;
    }
    message.value = '';
    var mine = bubble('user', text, 'user-message');
    sendTurn(text, mine).then(() => {
      if (!awaitingKey) message.focus();
    });
  });

  apiKeyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    var key = apiKeyInput.value.trim();
    if (!key) {
      apiKeyInput.focus();
      return;
    }
    save('sessionStorage', API_KEY_KEY, key);
    apiKeyForm.hidden = true;
    var retry = awaitingKey;
    awaitingKey = null;
    if (retry && !busy) {
      retry.bubble.classList.remove('pending');
      sendTurn(retry.text, retry.bubble).then(() => {
        if (!awaitingKey) message.focus();
      });
    }
    pollers.forEach((p) => {
      p.resume();
    });
  });

  Object.keys(inputs).forEach((k) => {
    inputs[k].addEventListener('input', () => {
      clearFieldError(inputs[k].id);
      saveProfile();
    });
  });

  // ---- request cards ----
  function text(card, testid, value) {
    var el = card.querySelector(`[data-testid="${testid}"]`);
    el.textContent = value == null || value === '' ? '—' : String(value);
  }
  function showRows(card, cls, on) {
    Array.prototype.forEach.call(card.querySelectorAll(`.${cls}`), (el) => {
      el.hidden = !on;
    });
  }

  /** "Denied by <name>." when the decision says who denied, else "Denied." */
  function denial(decision) {
    var by = decision.by && (decision.by.name || decision.by.id);
    return `Denied${by ? ` by ${by}` : ''}.`;
  }

  function renderCard(card, r) {
    var status = r.status || 'UNKNOWN';
    var statusEl = card.querySelector('[data-testid="request-status"]');
    statusEl.className = `status status-${status}`;
    statusEl.textContent = status;
    card.setAttribute('data-status', status);
    var account = r.account || {};
    var ou = account.ou || {};
    text(card, 'request-account-name', account.name);
    text(card, 'request-account-type', account.type);
    text(card, 'request-account-email', account.email);
    text(card, 'request-ou', ou.id ? `${ou.name} (${ou.id})` : ou.name);
    text(card, 'request-id', r.id);

    var p = r.provisioning || {};
    var summary = STATUS_TEXT[status] || status;
    if (status === 'DENIED' && r.decision) summary = denial(r.decision);
    if (status === 'SUCCEEDED' && p.factory === 'sandbox') summary = 'The account is ready (simulated by the sandbox Account Factory).';
    text(card, 'request-summary', summary);

    showRows(card, 'row-account-id', !!p.accountId);
    if (p.accountId) {
      text(card, 'account-id', p.accountId);
      card.querySelector('[data-testid="sandbox-badge"]').hidden = p.factory !== 'sandbox';
    }
    var why = status === 'DENIED' ? r.decision?.reason : status === 'FAILED' ? p.failureReason : '';
    showRows(card, 'row-failure', !!why);
    if (why) text(card, 'request-failure', why);
  }

  function addRequestCard(id, initial) {
    var card = cardTemplate.content.firstElementChild.cloneNode(true);
    card.setAttribute('data-request-id', id);
    var note = card.querySelector('[data-testid="request-poll-note"]');
    renderCard(card, initial && initial.id === id ? initial : { id: id, status: 'PENDING_APPROVAL' });
    conversation.appendChild(card);
    scrollToEnd();

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
      pollers = pollers.filter((p) => p !== poller);
    }
    function schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(poll, ms);
    }
    function poll() {
      if (stopped) return;
      if (Date.now() - started > POLL_FOR_MS) {
        stop('Stopped checking after 30 minutes. Say “status” to see where it is.');
        return;
      }
      fetch(`requests/${encodeURIComponent(id)}`, { headers: headers({ accept: 'application/json' }), cache: 'no-store' })
        .then((res) => readJson(res).then((data) => ({ status: res.status, data: data })))
        .then((r) => {
          if (stopped) return;
          if (r.status === 401) {
            waitingForKey = true;
            note.textContent = 'Waiting for an API key to check this request.';
            revealApiKey('This server asks for an API key. Enter it to keep following your request.');
            return;
          }
          if (r.status === 404) {
            stop('This request could not be found.');
            return;
          }
          if (r.status !== 200) {
            note.textContent = `Could not check the request (HTTP ${r.status}); trying again…`;
            schedule(POLL_EVERY_MS * 2);
            return;
          }
          var before = card.getAttribute('data-status');
          renderCard(card, r.data);
          if (before !== r.data.status) scrollToEnd();
          if (TERMINAL.indexOf(r.data.status) >= 0) {
            stop(`Final status; updated ${new Date().toLocaleTimeString()}.`);
            return;
          }
          note.textContent = `Updates by itself · checked ${new Date().toLocaleTimeString()}`;
          schedule(POLL_EVERY_MS);
        })
        .catch(() => {
          if (stopped) return;
          note.textContent = 'Connection lost; trying again…';
          schedule(POLL_EVERY_MS * 2);
        });
    }
    note.textContent = 'Updates by itself.';
    schedule(POLL_EVERY_MS);
  }

  // ---- start ----
  restoreProfile();
  if (apiKey()) apiKeyInput.value = apiKey();
  fetch('healthz', { cache: 'no-store' })
    .then((res) => (res.ok ? res.json() : {}))
    .then((h) => {
      var factory = h?.ports?.accountFactory || '';
      if (/^SANDBOX/.test(factory)) $('sandbox-note').hidden = false;
    })
    .catch(() => {
      /* no banner; nothing else depends on it */
    });
  var firstEmpty = [inputs.firstName, inputs.lastName, inputs.email].filter((i) => !i.value.trim())[0];
  (firstEmpty || message).focus();
})();
