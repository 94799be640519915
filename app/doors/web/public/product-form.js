/*
 * The form of one product, built from its parameters (GET /products/:id): a select for allowed
 * values (the default chosen), a number input for a Number, a password input for a secret
 * (NoEcho), a text input otherwise with the default filled in; the constraints as attributes and
 * help text. It asks through POST /products/:id/requests; a 400 shows beside the parameter it
 * names (field "parameters.<Key>"), a 201 gives the new request back to the page.
 */
(() => {
  var api = window.VendingPage;
  var uid = 0;

  var el = api.el;

  /**
   * The browser reads a pattern attribute with the `v` flag, stricter than CloudFormation's
   * patterns in a character class: a literal -, /, (, ), {, }, | or [ there is escaped. A pattern
   * it still cannot read is left to the server.
   */
  function usablePattern(pattern) {
    if (!pattern) return undefined;
    var out = '';
    var start = -1;
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '\\') {
        out += ch + (pattern[++i] ?? '');
      } else if (start < 0) {
        if (ch === '[') start = pattern[i + 1] === '^' ? i + 2 : i + 1;
        out += ch;
        if (ch === '[' && pattern[i + 1] === '^') out += pattern[++i];
      } else if (ch === ']') {
        start = -1;
        out += ch;
      } else if (ch === '-' && (i === start || pattern[i + 1] === ']')) out += '\\-';
      else out += '()[{}/|'.includes(ch) ? `\\${ch}` : ch;
    }
    try {
      new RegExp(out, 'v');
      return out;
    } catch {
      return undefined;
    }
  }

  /** A labelled control with its help text and the place its problem shows: {label, name, control, hint}. */
  function field(f) {
    var wrap = el('div', { class: 'field', 'data-field': f.name });
    var id = f.control.id || `product-field-${++uid}`;
    f.control.id = id;
    var errorId = `${id}-error`;
    wrap.appendChild(el('label', { for: id }, f.label));
    wrap.appendChild(f.control);
    if (f.hint) {
      const hint = el('p', { class: 'hint', id: `${id}-hint` }, f.hint);
      wrap.appendChild(hint);
      f.control.setAttribute('aria-describedby', `${hint.id} ${errorId}`);
    } else f.control.setAttribute('aria-describedby', errorId);
    var error = el('p', { class: 'field-error', id: errorId, 'data-testid': `error-${f.name}` });
    error.hidden = true;
    wrap.appendChild(error);
    return wrap;
  }

  /** The control of one parameter. */
  function control(p) {
    var c = p.constraints || {};
    var attrs = { name: p.key, 'data-testid': `param-${p.key}`, 'data-parameter': p.key };
    if (p.default === undefined) attrs.required = '';
    if (c.allowedValues?.length) {
      const select = el('select', attrs);
      c.allowedValues.forEach((v) => {
        var option = el('option', { value: v }, v);
        if (v === p.default) option.selected = true;
        select.appendChild(option);
      });
      return select;
    }
    var input = el('input', attrs);
    if (p.type === 'Number') {
      input.type = 'number';
      input.step = 'any';
      if (c.minValue !== undefined) input.min = String(c.minValue);
      if (c.maxValue !== undefined) input.max = String(c.maxValue);
    } else {
      input.type = p.noEcho ? 'password' : 'text';
      input.setAttribute('autocomplete', p.noEcho ? 'new-password' : 'off');
      input.setAttribute('spellcheck', 'false');
      if (c.minLength !== undefined) input.minLength = c.minLength;
      if (c.maxLength !== undefined) input.maxLength = c.maxLength;
      const pattern = usablePattern(c.allowedPattern);
      if (pattern) input.pattern = pattern;
    }
    if (p.default !== undefined && !p.noEcho) input.value = p.default;
    return input;
  }

  /** The help text of a parameter: what it is, and what it must be. */
  function hintOf(p) {
    var c = p.constraints || {};
    var parts = [p.description, c.constraintDescription];
    if (!c.constraintDescription && c.minValue !== undefined && c.maxValue !== undefined) parts.push(`${c.minValue} to ${c.maxValue}.`);
    if (p.noEcho) parts.push('A secret: it is never shown again, and stored encrypted.');
    return parts.filter(Boolean).join(' ');
  }

  function text(attrs) {
    return el('input', Object.assign({ type: 'text', maxlength: '64', spellcheck: 'false' }, attrs));
  }

  /**
   * The form of `product`. ctx: {accounts(email) → Promise<[{accountId, name}]>, botAccount,
   * done(answer), cancel()}.
   */
  function build(product, ctx) {
    var form = el('form', { class: 'product-form fields', 'data-testid': 'product-form', 'data-product-id': product.id, novalidate: '' });
    form.appendChild(el('h2', {}, `Ask for ${product.name}`));
    var params = el('fieldset', { class: 'fields', 'data-testid': 'product-parameters' });
    params.appendChild(el('legend', {}, 'Parameters'));
    if (!product.parameters.length) params.appendChild(el('p', { class: 'hint' }, 'This product has no parameters.'));
    product.parameters.forEach((p) => {
      params.appendChild(
        field({
          label: `${p.key}${p.type === 'String' ? '' : ` (${p.type})`}`,
          name: `parameters.${p.key}`,
          control: control(p),
          hint: hintOf(p),
        }),
      );
    });
    form.appendChild(params);

    var where = el('select', { name: 'accountId', 'data-testid': 'launch-in' });
    where.appendChild(el('option', { value: '' }, `Where the bot runs (${ctx.botAccount})`));
    form.appendChild(
      field({ label: 'Launch in', name: 'accountId', control: where, hint: 'Or one of your active accounts the bot vended.' }),
    );
    form.appendChild(
      field({
        label: 'Reason',
        name: 'reason',
        control: el('textarea', { name: 'reason', rows: '2', maxlength: '500', 'data-testid': 'product-reason' }),
      }),
    );

    var p = api.profile();
    var who = el('fieldset', { class: 'fields', 'data-testid': 'product-asker' });
    who.appendChild(el('legend', {}, 'You'));
    var first = text({ name: 'UserName', autocomplete: 'given-name', 'data-testid': 'asker-first-name' });
    var last = text({ name: 'UserLastname', autocomplete: 'family-name', 'data-testid': 'asker-last-name' });
    var email = text({ name: 'UserEmail', type: 'email', autocomplete: 'email', 'data-testid': 'asker-email' });
    first.value = p.firstName || '';
    last.value = p.lastName || '';
    email.value = p.email || '';
    who.appendChild(field({ label: 'First name', name: 'UserName', control: first }));
    who.appendChild(field({ label: 'Last name', name: 'UserLastname', control: last }));
    who.appendChild(field({ label: 'E-mail', name: 'UserEmail', control: email }));
    form.appendChild(who);

    var problem = el('p', { class: 'field-error', 'data-testid': 'product-error', role: 'alert' });
    problem.hidden = true;
    form.appendChild(problem);
    var buttons = el('div', { class: 'inline' });
    var submit = el('button', { type: 'submit', 'data-testid': 'product-submit' }, 'Ask for this product');
    var back = el('button', { type: 'button', class: 'link', 'data-testid': 'product-cancel' }, 'Never mind');
    buttons.appendChild(submit);
    buttons.appendChild(back);
    form.appendChild(buttons);
    back.addEventListener('click', () => ctx.cancel());

    /** The person's ACTIVE accounts, as places to launch in (the choice kept when it is still there). */
    function loadAccounts() {
      var owner = email.value.trim();
      var kept = where.value;
      while (where.options.length > 1) where.remove(1);
      if (!owner) return;
      ctx.accounts(owner).then((accounts) => {
        if (owner !== email.value.trim()) return;
        accounts.forEach((a) => {
          where.appendChild(el('option', { value: a.accountId }, `${a.name} (${a.accountId})`));
        });
        where.value = accounts.some((a) => a.accountId === kept) ? kept : '';
      });
    }
    email.addEventListener('change', loadAccounts);
    loadAccounts();

    function clearProblems() {
      problem.hidden = true;
      Array.prototype.forEach.call(form.querySelectorAll('.field-error'), (e) => {
        e.hidden = true;
      });
      Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), (e) => {
        e.removeAttribute('aria-invalid');
      });
    }
    /** The server's problem beside the input it names, else under the form. */
    function fail(message, fieldName) {
      var wrap = fieldName && form.querySelector(`[data-field="${CSS.escape(fieldName)}"]`);
      var target = wrap ? wrap.querySelector('.field-error') : problem;
      target.textContent = message;
      target.hidden = false;
      var input = wrap?.querySelector('input, select, textarea');
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearProblems();
      var parameters = {};
      Array.prototype.forEach.call(form.querySelectorAll('[data-parameter]'), (input) => {
        var value = input.type === 'password' ? input.value : input.value.trim();
        if (value !== '') parameters[input.getAttribute('data-parameter')] = value;
      });
      var body = { UserEmail: email.value.trim(), UserName: first.value.trim(), UserLastname: last.value.trim(), parameters: parameters };
      var reason = form.elements.reason.value.trim();
      if (reason) body.reason = reason;
      if (where.value) body.accountId = where.value;
      submit.disabled = true;
      api.post(`products/${encodeURIComponent(product.id)}/requests`, body).then((answer) => {
        submit.disabled = false;
        if (answer.status === 201) return ctx.done(answer.data);
        fail(api.errorOf(answer), answer.data?.field);
      });
    });
    return form;
  }

  window.VendingProductForm = { build: build };
})();
