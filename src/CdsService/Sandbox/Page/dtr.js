// DTR in the sandbox: when an answer's coverage-information names a questionnaire (documentation or data needed),
// offer it; render it as a form (enableWhen honoured), and submit the answers as a completed QuestionnaireResponse
// with the same hook request to cds-services/{id}/questionnaire-response, then show the new decision. Everything is
// written with textContent and DOM nodes, never as HTML.
(() => {
  'use strict';

  const CoverageInformation = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information';
  const state = { response: null, questionnaire: null, services: [] };
  const $ = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) {
        node.setAttribute(name, value);
      }
    }
    for (const child of children) {
      node.append(child);
    }
    return node;
  }

  function headers(json) {
    const result = { Accept: 'application/fhir+json, application/json' };
    if (json) {
      result['Content-Type'] = 'application/json';
    }
    const jwt = $('jwt') ? $('jwt').value.trim() : '';
    if (jwt) {
      result.Authorization = `Bearer ${jwt.replace(/^Bearer\s+/i, '')}`;
    }
    return result;
  }

  // The questionnaire canonicals the latest answer's coverage-information carries.
  function questionnaires(response) {
    const found = [];
    for (const action of (response && response.systemActions) || []) {
      for (const extension of (action.resource && action.resource.extension) || []) {
        if (extension.url === CoverageInformation) {
          for (const part of extension.extension || []) {
            if (part.url === 'questionnaire' && typeof part.valueCanonical === 'string') {
              found.push(part.valueCanonical);
            }
          }
        }
      }
    }
    return [...new Set(found)];
  }

  function onResponse() {
    let body = null;
    try {
      body = JSON.parse($('response').textContent || 'null');
    } catch {
      body = null;
    }
    state.response = body;
    const offer = $('dtr-offer');
    offer.replaceChildren();
    const canonicals = questionnaires(body);
    $('dtr').hidden = canonicals.length === 0 && !$('dtr-form').childElementCount;
    for (const canonical of canonicals) {
      const button = el('button', { type: 'button', class: 'dtr-open', 'data-canonical': canonical }, 'Open the documentation questionnaire (DTR)');
      button.addEventListener('click', () => open(canonical));
      offer.append(el('p', {}, 'The payer asks for documentation: ', button));
    }
  }

  async function open(canonical) {
    const url = canonical.split('|')[0];
    const status = $('dtr-status');
    status.textContent = `Fetching ${url}…`;
    const response = await fetch(url, { headers: headers(false) });
    if (!response.ok) {
      status.textContent = `The questionnaire could not be fetched: HTTP ${response.status}`;
      return;
    }
    state.questionnaire = await response.json();
    render(state.questionnaire);
    status.textContent = `${state.questionnaire.title} — answer what the chart does not show, then submit.`;
  }

  function render(questionnaire) {
    const form = $('dtr-form');
    form.replaceChildren();
    for (const item of questionnaire.item || []) {
      form.append(renderItem(item));
    }
    const submit = el('button', { type: 'button', id: 'dtr-submit', class: 'sign' }, 'Submit answers');
    submit.addEventListener('click', submitAnswers);
    form.append(submit);
    form.addEventListener('change', applyEnableWhen);
    applyEnableWhen();
  }

  function renderItem(item) {
    const wrapper = el('div', { class: `dtr-item dtr-${item.type}`, 'data-item': item.linkId });
    if (item.enableWhen) {
      wrapper.dataset.enableWhen = JSON.stringify(item.enableWhen);
    }
    if (item.type === 'group') {
      const fieldset = el('fieldset', {}, el('legend', {}, item.text || item.linkId));
      for (const child of item.item || []) {
        fieldset.append(renderItem(child));
      }
      wrapper.append(fieldset);
      return wrapper;
    }
    if (item.type === 'display') {
      wrapper.append(el('p', { class: 'hint' }, item.text || ''));
      return wrapper;
    }
    const id = `dtr-${item.linkId.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    wrapper.append(el('label', { for: id }, item.text || item.linkId));
    let input;
    switch (item.type) {
      case 'boolean':
        input = el('select', { id }, el('option', { value: '' }, '—'), el('option', { value: 'true' }, 'Yes'), el('option', { value: 'false' }, 'No'));
        break;
      case 'choice':
        input = el('select', { id }, el('option', { value: '' }, '—'));
        for (const option of item.answerOption || []) {
          if (option.valueCoding) {
            input.append(el('option', { value: JSON.stringify(option.valueCoding) }, option.valueCoding.display || option.valueCoding.code));
          }
        }
        break;
      case 'decimal':
        input = el('input', { id, type: 'number', step: 'any', min: '0', max: '100' });
        break;
      case 'date':
        input = el('input', { id, type: 'date' });
        break;
      case 'attachment':
        input = el('p', { class: 'muted' }, 'Attach the note in the EHR (not in this sandbox).');
        break;
      default:
        input = el('textarea', { id, rows: '2' });
    }
    input.dataset.linkId = item.linkId;
    input.dataset.type = item.type;
    wrapper.append(input);
    return wrapper;
  }

  function valueOf(linkId) {
    const input = document.querySelector(`#dtr-form [data-link-id="${CSS.escape(linkId)}"]`);
    return input && 'value' in input ? input.value : '';
  }

  // SDC enableWhen, for the operator this questionnaire uses (= on a boolean answer).
  function applyEnableWhen() {
    for (const wrapper of document.querySelectorAll('#dtr-form [data-enable-when]')) {
      const conditions = JSON.parse(wrapper.dataset.enableWhen);
      wrapper.hidden = !conditions.every((c) => c.operator === '=' && 'answerBoolean' in c && valueOf(c.question) === String(c.answerBoolean));
    }
  }

  function enabled(input) {
    for (let node = input; node && node.id !== 'dtr-form'; node = node.parentElement) {
      if (node.hidden) {
        return false;
      }
    }
    return true;
  }

  function answer(input) {
    const value = input.value;
    switch (input.dataset.type) {
      case 'boolean': return { valueBoolean: value === 'true' };
      case 'choice': return { valueCoding: JSON.parse(value) };
      case 'decimal': return { valueDecimal: Number(value) };
      case 'date': return { valueDate: value };
      default: return { valueString: value };
    }
  }

  async function submitAnswers() {
    const status = $('dtr-status');
    let request;
    try {
      request = JSON.parse($('request').value);
    } catch (error) {
      status.textContent = `The hook request is not valid JSON: ${error.message}`;
      return;
    }
    const items = [];
    for (const input of document.querySelectorAll('#dtr-form [data-link-id]')) {
      if ('value' in input && input.value !== '' && enabled(input)) {
        items.push({ linkId: input.dataset.linkId, answer: [answer(input)] });
      }
    }
    const q = state.questionnaire;
    const response = {
      resourceType: 'QuestionnaireResponse',
      id: `sandbox-${Date.now()}`,
      questionnaire: `${q.url}|${q.version}`,
      status: 'completed',
      subject: { reference: `Patient/${request.context.patientId}` },
      authored: new Date().toISOString(),
      author: request.context.userId ? { reference: request.context.userId } : undefined,
      item: items,
    };

    // The EHR applied the coverage-information update: the orders carry it (and with it the earlier assertion id).
    const updated = new Map(((state.response && state.response.systemActions) || []).filter((a) => a.resource).map((a) => [`${a.resource.resourceType}/${a.resource.id}`, a.resource]));
    for (const entry of (request.context.draftOrders && request.context.draftOrders.entry) || []) {
      const key = entry.resource && `${entry.resource.resourceType}/${entry.resource.id}`;
      if (updated.has(key)) {
        entry.resource = updated.get(key);
      }
    }
    request.prefetch = request.prefetch || {};
    request.prefetch.questionnaireResponse = response;

    const service = state.services.find((s) => s.hook === request.hook);
    status.textContent = `Submitting ${items.length} answer(s)…`;
    const reply = await fetch(`cds-services/${encodeURIComponent(service ? service.id : '')}/questionnaire-response`, { method: 'POST', headers: headers(true), body: JSON.stringify(request) });
    const body = await reply.json().catch(() => null);
    showDecision(reply.status, body);
  }

  function showDecision(status, body) {
    const result = $('dtr-result');
    result.replaceChildren();
    if (status !== 200 || !body) {
      const diagnostics = body && Array.isArray(body.issue) ? body.issue.map((i) => i.diagnostics).join(' ') : '';
      $('dtr-status').textContent = `HTTP ${status}: ${diagnostics}`;
      return;
    }
    $('dtr-status').textContent = 'The answers were read: the new decision is below.';
    for (const action of body.systemActions || []) {
      for (const extension of (action.resource && action.resource.extension) || []) {
        if (extension.url !== CoverageInformation) {
          continue;
        }
        const table = el('table', { class: 'dtr-decision', 'data-order': `${action.resource.resourceType}/${action.resource.id}` });
        for (const part of extension.extension || []) {
          const value = part.valueCode || part.valueString || part.valueDate || part.valueCanonical || (part.valueCodeableConcept && part.valueCodeableConcept.text);
          if (value) {
            table.append(el('tr', { 'data-field': part.url }, el('th', {}, part.url), el('td', {}, value)));
          }
        }
        result.append(table);
      }
    }
    for (const card of body.cards || []) {
      result.append(el('p', { class: 'dtr-card', 'data-indicator': card.indicator }, card.summary));
    }
  }

  async function start() {
    if (!$('dtr') || !$('response')) {
      return;
    }
    try {
      const catalog = await (await fetch('sandbox/api/catalog', { headers: { Accept: 'application/json' } })).json();
      state.services = catalog.services || [];
    } catch {
      state.services = [];
    }
    new MutationObserver(onResponse).observe($('response'), { childList: true, characterData: true, subtree: true });
  }

  document.addEventListener('DOMContentLoaded', start);
})();
