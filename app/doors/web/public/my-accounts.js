/*
 * My accounts: the accounts the bot vended for an owner (GET /accounts?email=), refreshed while
 * one of them has a request under way, and the buttons that ask to move, close or extend one
 * (account-forms.js). The owner's e-mail comes from the link (?email=) or from the chat page.
 */
(() => {
  var REFRESH_OPEN_MS = 3000;
  var REFRESH_IDLE_MS = 30000;
  var api = window.VendingPage;
  var data = JSON.parse(document.getElementById('accounts-data').textContent || '{}');
  var list = document.getElementById('accounts');
  var note = document.getElementById('accounts-note');
  var ownerForm = document.getElementById('owner-form');
  var ownerInput = document.getElementById('owner-email');
  var template = document.getElementById('account-template');
  var ouList = document.createElement('datalist');
  ouList.id = 'ou-options';
  document.body.appendChild(ouList);
  /** What the last ask of each account answered, kept across refreshes. */
  var results = {};
  var timer = null;

  var q = (root, testid) => root.querySelector(`[data-testid="${testid}"]`);
  var words = (map, key) => map?.[key] || key;
  var statusWords = (s) => {
    var w = words(data.statusWords, s);
    return w.charAt(0).toUpperCase() + w.slice(1);
  };
  var ouLabel = (ou) => (ou.id ? `${ou.name} (${ou.id})` : ou.name);
  var email = () => ownerInput.value.trim();
  var gone = (state) => state === 'CLOSING' || state === 'SUSPENDED' || state === 'CLOSED';

  function rows(card, cls, on) {
    Array.prototype.forEach.call(card.querySelectorAll(`.${cls}`), (x) => {
      x.hidden = !on;
    });
  }
  function requestLink(link, id, text) {
    link.textContent = text;
    if (api.usesKey()) link.removeAttribute('href');
    else link.href = api.requestPage(id);
  }

  function showResult(card, r) {
    var out = q(card, 'account-result');
    out.hidden = !r;
    out.textContent = '';
    if (!r) return;
    out.className = `account-result ${r.error ? 'error' : 'ok'}`;
    if (r.error) {
      out.textContent = r.error;
      return;
    }
    out.appendChild(document.createTextNode(`${r.what}: request `));
    var link = document.createElement('a');
    link.setAttribute('data-testid', 'account-result-link');
    requestLink(link, r.requestId, r.requestId);
    out.appendChild(link);
    out.appendChild(document.createTextNode(`, ${words(data.statusWords, r.status)}.`));
  }

  function openForm(card, a, action) {
    var slot = card.querySelector('.account-form-slot');
    slot.textContent = '';
    var form = window.VendingAccounts.form(action, a, {
      ownerEmail: email,
      ouList: ouList.id,
      maxDays: data.maxExtensionDays,
      cancel: () => {
        slot.textContent = '';
      },
      done: (answer) => {
        slot.textContent = '';
        var r = answer.request || {};
        results[a.accountId] = { what: words(data.kindWords, r.kind), requestId: answer.requestId, status: r.status };
        load();
      },
    });
    slot.appendChild(form);
    var first = form.querySelector('input, textarea');
    if (first) first.focus();
  }

  function fill(card, a) {
    card.setAttribute('data-account-id', a.accountId);
    card.setAttribute('data-state', a.state);
    q(card, 'account-name').textContent = a.name;
    q(card, 'account-id').textContent = a.accountId;
    q(card, 'account-ou').textContent = ouLabel(a.ou);
    q(card, 'account-type').textContent = a.type;
    var state = q(card, 'account-state');
    state.textContent = words(data.stateWords, a.state);
    state.className = `account-state state-${a.state}`;
    q(card, 'account-sandbox').hidden = a.factory !== 'sandbox';
    rows(card, 'row-lease', !!a.leaseEndsAt);
    if (a.leaseEndsAt) {
      const lease = q(card, 'account-lease');
      lease.setAttribute('datetime', a.leaseEndsAt);
      lease.textContent = new Date(a.leaseEndsAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    }
    var tags = q(card, 'account-tags');
    tags.textContent = '';
    var keys = Object.keys(a.tags || {});
    if (!keys.length) tags.appendChild(document.createElement('li')).textContent = 'none';
    keys.forEach((k) => {
      tags.appendChild(document.createElement('li')).textContent = `${k}: ${a.tags[k]}`;
    });
    var open = a.openRequest;
    rows(card, 'row-open', !!open);
    if (open)
      requestLink(
        q(card, 'account-open-request'),
        open.id,
        `${words(data.kindWords, open.kind)}: ${statusWords(open.status)} (${open.id})`,
      );
    // One request at a time, and nothing more once the account is closing or closed.
    var actions = q(card, 'account-actions');
    actions.hidden = gone(a.state) || !!open;
    q(card, 'account-extend').hidden = !a.leaseEndsAt;
    if (actions.hidden) card.querySelector('.account-form-slot').textContent = '';
    card.account = a;
    showResult(card, results[a.accountId]);
  }

  function render(accounts) {
    var cards = {};
    Array.prototype.forEach.call(list.children, (c) => {
      cards[c.getAttribute('data-account-id')] = c;
    });
    accounts.forEach((a) => {
      var card = cards[a.accountId] || template.content.firstElementChild.cloneNode(true);
      delete cards[a.accountId];
      fill(card, a);
      list.appendChild(card);
    });
    Object.keys(cards).forEach((id) => {
      cards[id].remove();
    });
    var ous = {};
    accounts.forEach((a) => {
      ous[a.ou.name] = true;
    });
    ouList.textContent = '';
    Object.keys(ous).forEach((name) => {
      ouList.appendChild(document.createElement('option')).value = name;
    });
    note.textContent = accounts.length
      ? `${accounts.length} account${accounts.length === 1 ? '' : 's'} vended for ${email()}.`
      : `The bot has not vended an account for ${email()} yet.`;
  }

  function load() {
    clearTimeout(timer);
    var owner = email();
    if (!owner) {
      note.textContent = 'Enter your e-mail to see the accounts the bot vended for you.';
      return;
    }
    note.textContent = `Looking up the accounts of ${owner}…`;
    api.get(`accounts?email=${encodeURIComponent(owner)}`).then((answer) => {
      if (owner !== email()) return;
      if (answer.status !== 200) {
        list.textContent = '';
        note.textContent = api.errorOf(answer);
        return;
      }
      var accounts = answer.data.accounts || [];
      render(accounts);
      var underway = accounts.some((a) => a.openRequest || a.state === 'MOVING' || a.state === 'CLOSING');
      timer = setTimeout(load, underway ? REFRESH_OPEN_MS : REFRESH_IDLE_MS);
    });
  }

  list.addEventListener('click', (e) => {
    var button = e.target.closest('button[data-action]');
    if (!button) return;
    var card = button.closest('.account-card');
    results[card.account.accountId] = undefined;
    showResult(card, undefined);
    openForm(card, card.account, button.getAttribute('data-action'));
  });
  ownerForm.addEventListener('submit', (e) => {
    e.preventDefault();
    list.textContent = '';
    var url = new URL(window.location.href);
    url.searchParams.set('email', email());
    window.history.replaceState(null, '', url);
    load();
  });

  if (!email()) ownerInput.value = api.profile().email || '';
  load();
})();
