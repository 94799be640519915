/*
 * The request page's buttons: Cancel while the request waits for approval, Retry once it failed
 * (POST /requests/:id/cancel|retry, as the e-mail given here, remembered from the chat page).
 * Which one shows follows the live region's state as request-page.js updates it.
 */
(() => {
  var api = window.VendingPage;
  var section = document.querySelector('[data-testid="request-actions"]');
  if (!section || !api) return;
  var id = section.getAttribute('data-request-id');
  var emailInput = section.querySelector('[data-testid="actor-email"]');
  var result = section.querySelector('[data-testid="request-action-result"]');
  var buttons = Array.prototype.slice.call(section.querySelectorAll('button[data-action]'));
  var FOR = { PENDING_APPROVAL: 'cancel', FAILED: 'retry' };
  var DONE = { cancel: 'Cancelled: the request is withdrawn.', retry: 'Retried: the request is back in the queue.' };

  /** Shows the button that fits the state; the section stays while it holds an answer. */
  function showFitting() {
    var live = document.querySelector('[data-live]');
    var now = FOR[live ? live.getAttribute('data-status') : ''];
    buttons.forEach((b) => {
      b.hidden = b.getAttribute('data-action') !== now;
    });
    section.hidden = !now && result.hidden;
  }

  function say(text, ok, newId) {
    result.textContent = text;
    result.className = `action-result ${ok ? 'ok' : 'error'}`;
    result.hidden = false;
    if (!newId) return;
    result.appendChild(document.createTextNode(' The corrected request is '));
    var link = document.createElement('a');
    link.href = api.requestPage(newId);
    link.textContent = newId;
    link.setAttribute('data-testid', 'request-action-link');
    result.appendChild(link);
    result.appendChild(document.createTextNode('.'));
  }

  section.addEventListener('click', (e) => {
    var button = e.target.closest('button[data-action]');
    if (!button) return;
    var action = button.getAttribute('data-action');
    var email = emailInput.value.trim();
    if (!email) {
      say('Enter your e-mail first: only the requester (or an approver, for a retry) may do this.', false);
      return emailInput.focus();
    }
    button.disabled = true;
    api.post(`requests/${encodeURIComponent(id)}/${action}`, { UserEmail: email }).then((answer) => {
      button.disabled = false;
      if (answer.status === 200) say(DONE[action], true);
      else if (answer.status === 201) say('Retried as a new request.', true, answer.data.requestId);
      else say(api.errorOf(answer), false);
      document.dispatchEvent(new Event('vending:refresh'));
    });
  });
  document.addEventListener('vending:live-updated', showFitting);

  emailInput.value = api.profile().email || '';
  showFitting();
})();
