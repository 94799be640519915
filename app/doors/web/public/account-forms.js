/*
 * The forms behind My accounts' buttons: Move (the OU and a reason), Close (a reason and a
 * confirmation), Extend (days and a reason). Each asks through POST /accounts/:id/<action> and
 * hands the answer back: 201 with the request it made, or the server's error (4xx).
 */
(() => {
  var api = window.VendingPage;
  var uid = 0;

  var el = api.el;

  /** A labelled field: {label, name, tag?, type?, value?, list?, hint?, attrs?}. */
  function field(f) {
    var id = `account-field-${++uid}`;
    var wrap = el('div', { class: 'field' });
    wrap.appendChild(el('label', { for: id }, f.label));
    var input = el(f.tag || 'input', Object.assign({ id: id, name: f.name, 'data-testid': `form-${f.name}` }, f.attrs || {}));
    if (f.type) input.type = f.type;
    if (f.list) input.setAttribute('list', f.list);
    if (f.value != null) input.value = f.value;
    wrap.appendChild(input);
    if (f.hint) wrap.appendChild(el('p', { class: 'hint' }, f.hint));
    return wrap;
  }

  /** The fields of each form, besides who asks. */
  var FIELDS = {
    move: (a, ctx) => [
      field({
        label: 'Move to the organizational unit',
        name: 'ou',
        list: ctx.ouList,
        attrs: { required: '', maxlength: '200', autocomplete: 'off' },
        hint: `Now in ${a.ou.name}. Type the OU's name or id.`,
      }),
    ],
    close: () => [],
    extend: (_a, ctx) => [
      field({
        label: 'Extend by (days)',
        name: 'days',
        type: 'number',
        value: '7',
        attrs: { min: '1', max: String(ctx.maxDays), required: '' },
      }),
    ],
  };
  var SUBMIT = { move: 'Ask to move', close: 'Ask to close', extend: 'Ask to extend' };

  /** Who asks: the person the chat page remembers; their name is asked for here when it is not known. */
  function askerFields(form, action) {
    var p = api.profile();
    if (action === 'extend' || (p.firstName && p.lastName)) return;
    form.appendChild(
      field({ label: 'Your first name', name: 'firstName', value: p.firstName || '', attrs: { required: '', maxlength: '64' } }),
    );
    form.appendChild(
      field({ label: 'Your last name', name: 'lastName', value: p.lastName || '', attrs: { required: '', maxlength: '64' } }),
    );
  }

  /**
   * The form for one action on account `a`. ctx: {ownerEmail(), ouList, maxDays, done(answer), cancel()}.
   */
  function build(action, a, ctx) {
    var form = el('form', { class: `account-form fields form-${action}`, 'data-testid': `form-${action}`, novalidate: '' });
    FIELDS[action](a, ctx).forEach((f) => {
      form.appendChild(f);
    });
    form.appendChild(field({ label: 'Reason', name: 'reason', tag: 'textarea', attrs: { required: '', rows: '2', maxlength: '500' } }));
    askerFields(form, action);
    if (action === 'close') {
      const confirm = el('label', { class: 'confirm' });
      const box = el('input', { type: 'checkbox', name: 'confirm', 'data-testid': 'form-confirm' });
      confirm.appendChild(box);
      confirm.appendChild(
        document.createTextNode(` Yes, close ${a.name} (${a.accountId}). Once approved, AWS suspends it; it cannot be used any more.`),
      );
      form.appendChild(confirm);
    }
    var problem = el('p', { class: 'field-error', 'data-testid': 'form-error', role: 'alert' });
    problem.hidden = true;
    form.appendChild(problem);
    var buttons = el('div', { class: 'inline' });
    var submit = el('button', { type: 'submit', 'data-testid': 'form-submit' }, SUBMIT[action]);
    var back = el('button', { type: 'button', class: 'link', 'data-testid': 'form-cancel' }, 'Never mind');
    buttons.appendChild(submit);
    buttons.appendChild(back);
    form.appendChild(buttons);
    back.addEventListener('click', () => ctx.cancel());

    var value = (name) => (form.elements[name] ? String(form.elements[name].value).trim() : '');
    function fail(text) {
      problem.textContent = text;
      problem.hidden = false;
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      problem.hidden = true;
      if (action === 'close' && !form.elements.confirm.checked) return fail('Tick the box to confirm that the account should be closed.');
      var p = api.profile();
      var body = { UserEmail: p.email || ctx.ownerEmail(), reason: value('reason') };
      if (action !== 'extend') {
        body.UserName = value('firstName') || p.firstName;
        body.UserLastname = value('lastName') || p.lastName;
      }
      if (action === 'move') body.ou = value('ou');
      if (action === 'extend') body.days = Number(value('days'));
      submit.disabled = true;
      api.post(`accounts/${encodeURIComponent(a.accountId)}/${action}`, body).then((answer) => {
        submit.disabled = false;
        if (answer.status === 201) return ctx.done(answer.data);
        fail(api.errorOf(answer));
        var bad = answer.data?.field && form.elements[answer.data.field === 'UserName' ? 'firstName' : answer.data.field];
        if (bad?.focus) bad.focus();
      });
    });
    return form;
  }

  window.VendingAccounts = { form: build };
})();
