// DLI coverage sandbox: builds a CDS Hooks request for a sample patient and order, posts it to this service, and
// renders the answer as an EHR would. Plain browser JavaScript, no dependencies; every piece of text from a response
// is put into the page as text (DOM nodes), never as HTML.
'use strict';

(() => {
  const CoverageInformation = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information';
  const $ = (id) => document.getElementById(id);
  const state = { catalog: null, ticket: 0 };

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null) {
        node.setAttribute(name, value);
      }
    }
    for (const child of children) {
      if (child !== undefined && child !== null) {
        node.append(child);
      }
    }
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, document.baseURI);
      return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
    } catch {
      return null;
    }
  }

  // ---- A small Markdown renderer (CommonMark subset used by cards: paragraphs, lists, tables, headings, emphasis,
  // code, links), building DOM nodes directly.

  const Escapable = /[\\`*_{}[\]()#+\-.!|>~]/;

  function findClose(text, marker, from) {
    for (let i = from; i < text.length; i++) {
      if (text[i] === '\\') {
        i++;
        continue;
      }
      if (text.startsWith(marker, i)) {
        return i;
      }
    }
    return -1;
  }

  function inline(text, parent) {
    let buffer = '';
    const flush = () => {
      if (buffer) {
        parent.append(document.createTextNode(buffer));
        buffer = '';
      }
    };
    for (let i = 0; i < text.length;) {
      const c = text[i];
      if (c === '\\' && i + 1 < text.length && Escapable.test(text[i + 1])) {
        buffer += text[i + 1];
        i += 2;
        continue;
      }
      if (c === '`') {
        const end = text.indexOf('`', i + 1);
        if (end > i) {
          flush();
          parent.append(el('code', {}, text.slice(i + 1, end)));
          i = end + 1;
          continue;
        }
      }
      if (text.startsWith('**', i) || text.startsWith('__', i)) {
        const marker = text.slice(i, i + 2);
        const end = findClose(text, marker, i + 2);
        if (end > i + 2) {
          flush();
          const strong = el('strong');
          inline(text.slice(i + 2, end), strong);
          parent.append(strong);
          i = end + 2;
          continue;
        }
      }
      if ((c === '*' || (c === '_' && (i === 0 || /\s/.test(text[i - 1])))) && i + 1 < text.length && !/\s/.test(text[i + 1])) {
        const end = findClose(text, c, i + 1);
        if (end > i + 1) {
          flush();
          const em = el('em');
          inline(text.slice(i + 1, end), em);
          parent.append(em);
          i = end + 1;
          continue;
        }
      }
      if (c === '[') {
        const match = /^\[([^\]]*)\]\(([^)\s]+)\)/.exec(text.slice(i));
        const href = match && safeUrl(match[2]);
        if (match) {
          flush();
          if (href) {
            const link = el('a', { href, target: '_blank', rel: 'noopener noreferrer' });
            inline(match[1], link);
            parent.append(link);
          } else {
            inline(match[1], parent);
          }
          i += match[0].length;
          continue;
        }
      }
      buffer += c;
      i++;
    }
    flush();
  }

  function splitRow(line) {
    let row = line.trim();
    if (row.startsWith('|')) {
      row = row.slice(1);
    }
    if (row.endsWith('|') && !row.endsWith('\\|')) {
      row = row.slice(0, -1);
    }
    const cells = [];
    let cell = '';
    for (let i = 0; i < row.length; i++) {
      if (row[i] === '\\' && i + 1 < row.length) {
        cell += row[i] + row[i + 1];
        i++;
      } else if (row[i] === '|') {
        cells.push(cell.trim());
        cell = '';
      } else {
        cell += row[i];
      }
    }
    cells.push(cell.trim());
    return cells;
  }

  const TableRule = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
  const Bullet = /^\s*[-*+]\s+(.*)$/;
  const Numbered = /^\s*\d+[.)]\s+(.*)$/;
  const Heading = /^(#{1,6})\s+(.*)$/;

  function markdown(text) {
    const root = el('div', { class: 'markdown' });
    const lines = String(text || '').replace(/\r\n?/g, '\n').split('\n');
    let paragraph = [];
    const endParagraph = () => {
      if (paragraph.length) {
        const p = el('p');
        inline(paragraph.join(' '), p);
        root.append(p);
        paragraph = [];
      }
    };
    for (let i = 0; i < lines.length;) {
      const line = lines[i];
      if (!line.trim()) {
        endParagraph();
        i++;
        continue;
      }
      if (line.trim().startsWith('|') && i + 1 < lines.length && TableRule.test(lines[i + 1])) {
        endParagraph();
        const table = el('table');
        const head = el('tr');
        for (const cell of splitRow(line)) {
          const th = el('th', { scope: 'col' });
          inline(cell, th);
          head.append(th);
        }
        table.append(el('thead', {}, head));
        const body = el('tbody');
        i += 2;
        while (i < lines.length && lines[i].trim().startsWith('|')) {
          const tr = el('tr');
          for (const cell of splitRow(lines[i])) {
            const td = el('td');
            inline(cell, td);
            tr.append(td);
          }
          body.append(tr);
          i++;
        }
        table.append(body);
        root.append(table);
        continue;
      }
      const heading = Heading.exec(line);
      if (heading) {
        endParagraph();
        const h = el(`h${Math.min(6, heading[1].length + 3)}`);
        inline(heading[2], h);
        root.append(h);
        i++;
        continue;
      }
      if (Bullet.test(line) || Numbered.test(line)) {
        endParagraph();
        const ordered = !Bullet.test(line);
        const pattern = ordered ? Numbered : Bullet;
        const list = el(ordered ? 'ol' : 'ul');
        while (i < lines.length && pattern.test(lines[i])) {
          const li = el('li');
          inline(pattern.exec(lines[i])[1], li);
          list.append(li);
          i++;
        }
        root.append(list);
        continue;
      }
      paragraph.push(line.trim());
      i++;
    }
    endParagraph();
    return root;
  }

  // ---- Cards, as an EHR shows them.

  function renderCard(card) {
    const indicator = ['info', 'warning', 'critical'].includes(card.indicator) ? card.indicator : 'info';
    const article = el('article', { class: `card card--${indicator}`, 'data-indicator': indicator });
    const header = el('header', { class: 'card-header' },
      el('span', { class: 'card-indicator' }, indicator),
      el('h4', { class: 'card-summary' }, card.summary || '(no summary)'));
    article.append(header);

    const source = card.source || {};
    const sourceLine = el('p', { class: 'card-source' }, 'Source: ');
    const sourceUrl = source.url && safeUrl(source.url);
    sourceLine.append(sourceUrl ? el('a', { href: sourceUrl, target: '_blank', rel: 'noopener noreferrer' }, source.label || sourceUrl) : (source.label || 'unknown'));
    if (source.topic) {
      sourceLine.append(` · ${source.topic.display || source.topic.code}`);
    }
    article.append(sourceLine);

    if (card.detail) {
      const detail = markdown(card.detail);
      detail.classList.add('card-detail');
      article.append(detail);
    }

    if (Array.isArray(card.suggestions) && card.suggestions.length) {
      const suggestions = el('div', { class: 'card-suggestions' });
      for (const suggestion of card.suggestions) {
        const actions = el('ul', { class: 'suggestion-actions', hidden: '' });
        for (const action of suggestion.actions || []) {
          const target = typeof action.resource === 'string' ? action.resource
            : action.resource ? `${action.resource.resourceType || 'resource'}/${action.resource.id || '(new)'}` : action.resourceId || '';
          actions.append(el('li', {}, `${action.type}: ${action.description || ''} ${target}`.trim()));
        }
        const button = el('button', { type: 'button', class: suggestion.isRecommended ? 'suggestion recommended' : 'suggestion' }, suggestion.label || 'Suggestion');
        button.addEventListener('click', () => {
          actions.hidden = !actions.hidden;
        });
        suggestions.append(button, actions);
      }
      article.append(suggestions);
    }

    if (Array.isArray(card.links) && card.links.length) {
      const links = el('div', { class: 'card-links' });
      for (const link of card.links) {
        const href = safeUrl(link.url);
        const label = link.type === 'smart' ? `${link.label} (SMART app)` : link.label;
        links.append(href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', 'data-link-type': link.type || 'absolute' }, label) : el('span', {}, label));
      }
      article.append(links);
    }

    if (Array.isArray(card.overrideReasons) && card.overrideReasons.length) {
      const reasons = el('select', { class: 'override-reasons', 'aria-label': 'Override reason' }, el('option', { value: '' }, 'Dismiss with a reason…'));
      for (const reason of card.overrideReasons) {
        reasons.append(el('option', { value: reason.code || '' }, reason.display || reason.code || ''));
      }
      article.append(reasons);
    }
    return article;
  }

  function valueText(part) {
    for (const [name, value] of Object.entries(part)) {
      if (!name.startsWith('value')) {
        continue;
      }
      if (value === null || typeof value !== 'object') {
        return String(value);
      }
      if (name === 'valueReference') {
        return value.reference || value.display || '';
      }
      if (name === 'valueCoding') {
        return [value.system && `${value.system}|${value.code}`, value.display && `(${value.display})`].filter(Boolean).join(' ') || value.code || '';
      }
      if (name === 'valueCodeableConcept') {
        return value.text || (value.coding || []).map((c) => c.display || c.code).join(', ');
      }
      return JSON.stringify(value);
    }
    return '';
  }

  function renderCoverage(actions) {
    const container = $('coverage');
    container.replaceChildren();
    const annotated = (actions || []).filter((a) => a.resource && Array.isArray(a.resource.extension));
    if (!annotated.length) {
      container.append(el('p', { class: 'muted' }, 'No coverage-information in this response.'));
      return;
    }
    for (const action of annotated) {
      const resource = action.resource;
      for (const extension of resource.extension.filter((e) => e.url === CoverageInformation)) {
        const block = el('section', { class: 'coverage-info', 'data-order': `${resource.resourceType}/${resource.id}` });
        block.append(el('h4', {}, `${action.type} ${resource.resourceType}/${resource.id}`), el('p', { class: 'muted' }, action.description || ''));
        const body = el('tbody');
        for (const part of extension.extension || []) {
          body.append(el('tr', { 'data-field': part.url }, el('th', { scope: 'row' }, part.url), el('td', {}, valueText(part))));
        }
        block.append(el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Element'), el('th', { scope: 'col' }, 'Value'))), body));
        container.append(block);
      }
    }
  }

  // ---- Talking to the service.

  function setStatus(text, kind) {
    const status = $('status');
    status.className = `status${kind ? ` status--${kind}` : ''}`;
    status.textContent = text;
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(`${url} answered HTTP ${response.status}`);
    }
    return response.json();
  }

  function explainRefusal(status, body) {
    const diagnostics = body && Array.isArray(body.issue) ? body.issue.map((i) => i.diagnostics).filter(Boolean).join(' ') : '';
    if (status === 401) {
      return 'HTTP 401: the service refused the call because it carries no valid JWT from a trusted CDS client. '
        + 'This service is not in development mode, so every hook call needs "Authorization: Bearer <JWT>" signed by a client listed in '
        + 'Cds:Security:Clients. For a local sandbox, start the service with Cds:Security:DevelopmentMode=true '
        + '(environment variable Cds__Security__DevelopmentMode=true), or paste a JWT under "More options".';
    }
    if (status === 403) {
      return `HTTP 403: the caller is known but not allowed to make this call. ${diagnostics}`.trim();
    }
    return `HTTP ${status}: ${diagnostics || 'the service refused the request.'}`;
  }

  async function send() {
    let request;
    try {
      request = JSON.parse($('request').value);
    } catch (error) {
      setStatus(`The request is not valid JSON: ${error.message}`, 'error');
      return;
    }
    const service = (state.catalog.services || []).find((s) => s.hook === request.hook);
    if (!service) {
      setStatus(`No service of this CDS service answers the '${request.hook}' hook.`, 'error');
      return;
    }
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const jwt = $('jwt').value.trim();
    if (jwt) {
      headers.Authorization = `Bearer ${jwt.replace(/^Bearer\s+/i, '')}`;
    }

    $('cards').replaceChildren();
    $('response').textContent = '';
    setStatus(`Sending ${request.hook} to cds-services/${service.id}…`, 'busy');
    const started = performance.now();
    let response;
    try {
      response = await fetch(`cds-services/${encodeURIComponent(service.id)}`, { method: 'POST', headers, body: JSON.stringify(request) });
    } catch (error) {
      setStatus(`The service could not be reached: ${error.message}`, 'error');
      return;
    }
    const elapsed = Math.round(performance.now() - started);
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    $('response').textContent = body ? JSON.stringify(body, null, 2) : text;

    if (!response.ok) {
      setStatus(explainRefusal(response.status, body), 'error');
      renderCoverage([]);
      return;
    }

    const cards = (body && body.cards) || [];
    for (const card of cards) {
      $('cards').append(renderCard(card));
    }
    if (!cards.length) {
      $('cards').append(el('p', { class: 'no-cards' }, 'No cards: the service had nothing to say about these orders (for example, none of them is a DLI).'));
    }
    renderCoverage(body && body.systemActions);
    setStatus(`HTTP ${response.status} · ${cards.length} card${cards.length === 1 ? '' : 's'} · ${elapsed} ms`, 'ok');
  }

  // Each change asks for a new request; only the latest answer is shown, and signing waits for it.
  async function loadRequest() {
    const ticket = ++state.ticket;
    $('send').disabled = true;
    const file = $('request-file').value;
    try {
      let request;
      if (file) {
        request = await getJson(`sandbox/api/requests/${encodeURIComponent(file)}`);
      } else {
        const query = new URLSearchParams({ patient: $('patient').value, order: $('order').value, hook: $('hook').value });
        const server = $('fhir-server').value.trim();
        if (server) {
          query.set('fhirServer', server);
        }
        request = await getJson(`sandbox/api/requests?${query}`);
      }
      if (ticket === state.ticket) {
        $('request').value = JSON.stringify(request, null, 2);
        $('send').disabled = false;
      }
    } catch (error) {
      if (ticket === state.ticket) {
        setStatus(`Could not build the request: ${error.message}`, 'error');
      }
    }
  }

  function describePatient() {
    const patient = state.catalog.patients.find((p) => p.id === $('patient').value);
    $('patient-story').textContent = patient ? `${patient.story} Expected: ${patient.expected.covered} (${patient.title}).` : '';
  }

  async function start() {
    $('send').disabled = true;
    try {
      state.catalog = await getJson('sandbox/api/catalog');
    } catch (error) {
      setStatus(`The sandbox could not load its samples: ${error.message}`, 'error');
      return;
    }
    const catalog = state.catalog;
    for (const patient of catalog.patients) {
      $('patient').append(el('option', { value: patient.id }, `${patient.name} — ${patient.title}`));
    }
    for (const order of catalog.orders) {
      $('order').append(el('option', { value: order.id }, order.label));
    }
    for (const file of catalog.requests) {
      $('request-file').append(el('option', { value: file }, file));
    }
    const mode = $('mode');
    mode.hidden = false;
    mode.className = catalog.developmentMode ? 'mode mode--development' : 'mode mode--secured';
    mode.textContent = catalog.developmentMode
      ? 'Development mode: hook calls are accepted without a JWT. Never run a public service this way.'
      : 'Secured: hook calls need a JWT from a trusted CDS client (paste one under "More options"), or the service must run with Cds:Security:DevelopmentMode=true.';

    for (const id of ['patient', 'order', 'hook', 'request-file']) {
      $(id).addEventListener('change', () => {
        describePatient();
        loadRequest();
      });
    }
    $('fhir-server').addEventListener('change', loadRequest);
    $('send').addEventListener('click', send);
    describePatient();
    await loadRequest();
    document.body.dataset.ready = 'true';
  }

  document.addEventListener('DOMContentLoaded', start);
})();
