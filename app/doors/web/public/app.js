/*
 * The chat page: a thin client of POST /account (one turn per message), with request cards and
 * "My requests" (chat-requests.js) and what the browser keeps (chat-store.js). No framework and no
 * build step; loaded from this origin because the CSP allows scripts from this origin only.
 */
(() => {
  var chat = window.VendingChat;
  var store = chat.store;
  /** Which profile input a server error about a body field belongs to. */
  var FIELD_INPUTS = { UserName: 'first-name', UserLastname: 'last-name', UserEmail: 'email' };

  var $ = (id) => document.getElementById(id);
  var main = $('chat');
  var inputs = { firstName: $('first-name'), lastName: $('last-name'), email: $('email') };
  var composer = $('composer');
  var message = $('message');
  var messageHint = $('message-hint');
  var send = $('send');
  var typing = $('typing');
  var apiKeyForm = $('api-key-form');
  var apiKeyInput = $('api-key');
  var apiKeyNote = $('api-key-note');
  var maxMessage = Number(main.getAttribute('data-max-message')) || 1000;
  var idleMinutes = Number(main.getAttribute('data-idle-minutes')) || 10;
  var data = JSON.parse($('page-data').textContent || '{}');

  var busy = false;
  /** The message that met a 401, sent again once an API key is given. */
  var awaitingKey = null;

  function headers(extra) {
    var h = extra || {};
    var key = store.apiKey();
    if (key) h['x-api-key'] = key;
    return h;
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
  var email = () => inputs.email.value.trim();
  /** Ends a message with a full stop, so a sentence after it reads as its own. */
  var sentence = (t) => (/[.!?]$/.test(t) ? t : `${t}.`);

  // ---- conversation ----
  var scrollToEnd = chat.bubbles.scrollToEnd;
  var bubble = chat.bubbles.add;

  /** A line of the exchange: shown, and kept for a reload of this tab (problems are not kept: they are of the moment). */
  function say(kind, text, testid, extra) {
    store.remember(email(), Object.assign({ kind: kind, text: text, testid: testid }, extra));
    return bubble(kind, text, testid);
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
    showProfile(true);
    input.focus();
  }
  function clearFieldError(inputId) {
    var err = $(`${inputId}-error`);
    $(inputId).removeAttribute('aria-invalid');
    err.textContent = '';
    err.hidden = true;
  }

  function revealApiKey(text) {
    showProfile(true);
    apiKeyForm.hidden = false;
    apiKeyNote.textContent = text;
    apiKeyInput.focus();
  }

  var requests = chat.requests({
    data: data,
    headers: headers,
    readJson: readJson,
    revealApiKey: revealApiKey,
    scrollToEnd: scrollToEnd,
    email: email,
    usesKey: () => !!store.apiKey(),
  });
  /** A card in the conversation, kept for a reload too. */
  function card(id, initial) {
    store.remember(email(), { kind: 'card', id: id });
    requests.addCard(id, initial);
    requests.refreshList();
  }

  /** A turn the server could not use (HTTP 400): why, next to the profile field it is about if any. */
  function showRefusal(r, text, userBubble) {
    var msg = r.error || 'The server could not use that message.';
    var inputId = FIELD_INPUTS[r.field];
    userBubble.classList.add('failed');
    if (inputId) {
      // Next to the field, the field's API name ("UserEmail: ") says nothing a person needs.
      showFieldError(inputId, msg.replace(/^\w+: /, ''));
      bubble('problem', `${sentence(msg)} Fix it above and send your message again.`, 'error-message');
      message.value = message.value || text;
    } else {
      bubble('problem', sentence(msg.replace(/^UserInput: /, '')), 'error-message');
      if (r.field === 'UserInput') message.value = message.value || text;
    }
  }

  /** Sends one turn; `userBubble` is the bubble already shown for it. */
  function sendTurn(text, userBubble) {
    var body = { UserEmail: email(), UserName: inputs.firstName.value.trim(), UserLastname: inputs.lastName.value.trim(), UserInput: text };
    setBusy(true);
    return fetch('account', {
      method: 'POST',
      headers: headers({ 'content-type': 'application/json', accept: 'application/json' }),
      body: JSON.stringify(body),
      cache: 'no-store',
    })
      .then((res) => readJson(res).then((d) => ({ status: res.status, data: d })))
      .then((r) => {
        if (r.status === 401) {
          awaitingKey = { text: text, bubble: userBubble };
          userBubble.classList.add('pending');
          revealApiKey(
            store.apiKey()
              ? 'That API key was not accepted. Enter the right key to send your message.'
              : 'This server asks for an API key. Enter it to send your message; it is kept for this browser tab only.',
          );
          return;
        }
        if (r.status === 400) return showRefusal(r.data, text, userBubble);
        if (r.status === 409 && typeof r.data.response === 'string') {
          // Another message already made the request (or holds the e-mail): say so and show it.
          store.remember(email(), { kind: 'user', text: text, testid: 'user-message' });
          say('bot', r.data.response, 'bot-message');
          if (r.data.conflictingRequestId) card(r.data.conflictingRequestId);
          return;
        }
        if (r.status >= 300 || typeof r.data.response !== 'string') {
          userBubble.classList.add('failed');
          bubble('problem', `${sentence(r.data.error || `The server answered HTTP ${r.status}`)} Please try again.`, 'error-message');
          return;
        }
        store.remember(email(), { kind: 'user', text: text, testid: 'user-message' });
        say('bot', r.data.response, 'bot-message', { state: r.data.state });
        collapseProfile();
        if (r.data.requestId) card(r.data.requestId, r.data.request);
        else if (r.data.intent === 'CancelRequest') requests.refreshList();
      })
      .catch(() => {
        userBubble.classList.add('failed');
        bubble('problem', 'Could not reach the server. Check the connection and send the message again.', 'error-message');
      })
      .then(() => {
        setBusy(false);
      });
  }

  function tooLong(text) {
    if (text.length <= maxMessage) return false;
    messageHint.hidden = false;
    messageHint.textContent = `That message has ${text.length} characters; I read at most ${maxMessage} characters. Please shorten it.`;
    message.setAttribute('aria-invalid', 'true');
    message.focus();
    return true;
  }

  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy) return;
    var text = message.value.trim();
    if (!text) return void message.focus();
    if (tooLong(text)) return;
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
  message.addEventListener('input', () => {
    if (message.value.length <= maxMessage) {
      messageHint.hidden = true;
      message.removeAttribute('aria-invalid');
    }
  });

  apiKeyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    var key = apiKeyInput.value.trim();
    if (!key) return void apiKeyInput.focus();
    store.saveApiKey(key);
    apiKeyForm.hidden = true;
    var retry = awaitingKey;
    awaitingKey = null;
    if (retry && !busy) {
      retry.bubble.classList.remove('pending');
      sendTurn(retry.text, retry.bubble).then(() => {
        if (!awaitingKey) message.focus();
      });
    }
    requests.resumeAll();
    requests.refreshList();
  });

  // ---- profile: collapsed to one line once filled, so on a phone the conversation comes first ----
  var filled = () => Object.keys(inputs).every((k) => inputs[k].value.trim());
  function showProfile(open) {
    main.classList.toggle('profile-filled', !open && filled());
    $('profile').hidden = !open;
    $('profile-hint').hidden = !open;
    $('profile-summary').hidden = open;
    var summary = $('profile-panel').querySelector('[data-testid="profile-summary"]');
    summary.replaceChildren();
    chat.bubbles.withBreaks(summary, `${inputs.firstName.value.trim()} ${inputs.lastName.value.trim()} · ${email()}`);
  }
  function collapseProfile() {
    if (filled() && !document.querySelector('[aria-invalid="true"]')) showProfile(false);
  }
  $('profile-edit').addEventListener('click', () => {
    showProfile(true);
    inputs.firstName.focus();
  });
  Object.keys(inputs).forEach((k) => {
    inputs[k].addEventListener('input', () => {
      clearFieldError(inputs[k].id);
      var p = {};
      Object.keys(inputs).forEach((j) => {
        p[j] = inputs[j].value;
      });
      store.saveProfile(p);
    });
  });
  inputs.email.addEventListener('change', () => requests.refreshList());

  // ---- start: the profile, this tab's conversation, the person's requests ----
  var saved = store.profile();
  Object.keys(inputs).forEach((k) => {
    if (typeof saved[k] === 'string') inputs[k].value = saved[k];
  });
  if (store.apiKey()) apiKeyInput.value = store.apiKey();
  var lines = email() ? store.transcript(email()) : [];
  lines.forEach((line) => {
    if (line.kind === 'card') requests.addCard(line.id);
    else bubble(line.kind, line.text, line.testid);
  });
  var last = lines.filter((l) => l.kind === 'bot').pop();
  // The server forgets a conversation left idle that long: say so instead of letting an old question stand.
  if (last && (last.state === 'ElicitSlot' || last.state === 'ConfirmIntent') && Date.now() - Date.parse(last.at) > idleMinutes * 60000) {
    bubble(
      'bot',
      `It has been more than ${idleMinutes} minutes, so I have forgotten where we were. Say "new account" to start again.`,
      'bot-note',
    );
  }
  if (lines.length) collapseProfile();
  requests.refreshList();
  fetch('healthz', { cache: 'no-store' })
    .then((res) => (res.ok ? res.json() : {}))
    .then((h) => {
      if (/^SANDBOX/.test(h?.ports?.accountFactory || '')) $('sandbox-note').hidden = false;
    })
    .catch(() => {
      /* no banner; nothing else depends on it */
    });
  var firstEmpty = [inputs.firstName, inputs.lastName, inputs.email].filter((i) => !i.value.trim())[0];
  (firstEmpty || message).focus();
})();
