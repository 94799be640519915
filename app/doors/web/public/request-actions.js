/*
 * The request page's buttons: Cancel while the request waits for approval, Retry once it failed
 * (POST /requests/:id/cancel|retry, as the e-mail given here, remembered from the chat page), and
 * Terminate once a product is launched (a reason, then POST /requests/:id/terminate).
 * Which one shows follows the live region's state as request-page.js updates it.
 */
(() => {
  var api = window.VendingPage;
  var section = document.querySelector('[data-testid="request-actions"]');
  if (!section || !api) return;
  var id = section.getAttribute('data-request-id');
  var q = (testid) => section.querySelector(`[data-testid="${testid}"]`);
  var emailInput = q('actor-email');
  var result = q('request-action-result');
  var terminate = q('terminate-fields');
  var buttons = Array.prototype.slice.call(section.querySelectorAll('button[data-action]'));
  var FOR = { PENDING_APPROVAL: 'cancel', FAILED: 'retry' };
  // Only a product request's page has Terminate (for a launched product).
  if (terminate) FOR.SUCCEEDED = 'terminate';
  var DONE = { cancel: 'Cancelled: the request is withdrawn.', retry: 'Retried: the request is back in the queue.' };

  /** Shows the button that fits the state; the section stays while it holds an answer. */
  function showFitting() {
    var live = document.querySelector('[data-live]');
    var now = FOR[live ? live.getAttribute('data-status') : ''];
    buttons.forEach((b) => {
      b.hidden = b.getAttribute('data-action') !== now;
    });
    if (terminate && now !== 'terminate') terminate.hidden = true;
    section.hidden = !now && result.hidden;
  }

  /** The answer; `link` ({before, id}) names the request it made. */
  function say(text, ok, link) {
    result.textContent = text;
    result.className = `action-result ${ok ? 'ok' : 'error'}`;
    result.hidden = false;
    if (!link) return;
    result.appendChild(document.createTextNode(link.before));
    var a = document.createElement('a');
    a.href = api.requestPage(link.id);
    a.textContent = link.id;
    a.setAttribute('data-testid', 'request-action-link');
    result.appendChild(a);
    result.appendChild(document.createTextNode('.'));
  }

  /** Terminate asks for a reason (and the asker's name, remembered from the chat page) before it is sent. */
  function askWhy() {
    var p = api.profile();
    var first = q('actor-first-name');
    var last = q('actor-last-name');
    if (!first.value) first.value = p.firstName || '';
    if (!last.value) last.value = p.lastName || '';
    terminate.hidden = false;
    q('terminate-reason').focus();
  }

  function send(button, action, email) {
    var body = { UserEmail: email };
    if (action === 'terminate') {
      body.reason = q('terminate-reason').value.trim();
      body.UserName = q('actor-first-name').value.trim();
      body.UserLastname = q('actor-last-name').value.trim();
      if (!body.reason) {
        say('Say why the product should be terminated.', false);
        return q('terminate-reason').focus();
      }
    }
    button.disabled = true;
    api.post(`requests/${encodeURIComponent(id)}/${action}`, body).then((answer) => {
      button.disabled = false;
      if (answer.status === 200) say(DONE[action], true);
      else if (answer.status === 201 && action === 'terminate') {
        terminate.hidden = true;
        say('Asked to terminate the product.', true, { before: ' The termination is request ', id: answer.data.requestId });
      } else if (answer.status === 201)
        say('Retried as a new request.', true, { before: ' The corrected request is ', id: answer.data.requestId });
      else say(api.errorOf(answer), false);
      document.dispatchEvent(new Event('vending:refresh'));
    });
  }

  section.addEventListener('click', (e) => {
    var button = e.target.closest('button[data-action], button[data-send]');
    if (!button) return;
    var action = button.getAttribute('data-action') || button.getAttribute('data-send');
    if (button.getAttribute('data-action') === 'terminate') return askWhy();
    var email = emailInput.value.trim();
    if (!email) {
      say('Enter your e-mail first: only the requester (or an approver, for a retry) may do this.', false);
      return emailInput.focus();
    }
    send(button, action, email);
  });
  document.addEventListener('vending:live-updated', showFitting);

  emailInput.value = api.profile().email || '';
  showFitting();
})();
