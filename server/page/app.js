// The self-service page: pick who you are, ask, read what was found.
// Plain JS, no build step, no inline script (the server sends a strict CSP).
// Text from the server is put into the page with textContent / text nodes only;
// the FAQ markdown is rendered by building DOM nodes, never via innerHTML.
'use strict';

const state = { tenant: '', key: '', users: [], lastAsk: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

// --- Markdown: paragraphs, lists, **bold**, `code`, [links](https://...) ---

function renderInline(text, parent) {
  const token = /(\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/g;
  let last = 0;
  let m;
  while ((m = token.exec(text)) !== null) {
    if (m.index > last) parent.append(document.createTextNode(text.slice(last, m.index)));
    if (m[2] !== undefined) parent.append(el('strong', {}, m[2]));
    else if (m[3] !== undefined) parent.append(el('code', {}, m[3]));
    else if (/^(https?:|mailto:)/i.test(m[5])) {
      parent.append(el('a', { href: m[5], rel: 'noopener noreferrer' }, m[4]));
    } else {
      parent.append(document.createTextNode(m[4]));  // unsafe scheme: keep the words only
    }
    last = token.lastIndex;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

function renderMarkdown(markdown) {
  const root = el('div', { class: 'markdown' });
  const bullet = /^\s*[-*]\s+/;
  const numbered = /^\s*\d+[.)]\s+/;
  // Lines are read one by one: a list item may wrap onto indented
  // continuation lines, and a paragraph may lead straight into a list.
  let paragraph = [];
  let list = null;        // { ordered, items: [string] }
  const flushParagraph = () => {
    if (paragraph.length === 0) return;
    const p = el('p');
    renderInline(paragraph.join(' '), p);
    root.append(p);
    paragraph = [];
  };
  const flushList = () => {
    if (!list) return;
    const node = el(list.ordered ? 'ol' : 'ul');
    for (const text of list.items) {
      const item = el('li');
      renderInline(text, item);
      node.append(item);
    }
    root.append(node);
    list = null;
  };
  for (const line of String(markdown || '').replace(/\r\n/g, '\n').split('\n')) {
    if (line.trim() === '') {
      flushParagraph();
      flushList();
      continue;
    }
    const isBullet = bullet.test(line);
    const isNumbered = !isBullet && numbered.test(line);
    if (isBullet || isNumbered) {
      flushParagraph();
      if (list && list.ordered !== isNumbered) flushList();
      if (!list) list = { ordered: isNumbered, items: [] };
      list.items.push(line.replace(isNumbered ? numbered : bullet, ''));
    } else if (list && /^\s/.test(line)) {
      list.items[list.items.length - 1] += ' ' + line.trim();
    } else {
      flushList();
      paragraph.push(line.trim());
    }
  }
  flushParagraph();
  flushList();
  return root;
}

// --- Talking to the server ---

async function call(method, path, body) {
  const headers = { Authorization: 'Bearer ' + state.key };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (_) { /* not JSON */ }
  return { status: response.status, data };
}

function tenantPath(suffix) {
  return '/v1/tenants/' + encodeURIComponent(state.tenant) + suffix;
}

async function loadUsers() {
  state.tenant = $('tenant').value.trim();
  state.key = $('key').value.trim();
  const select = $('asker');
  const manual = $('asker-id');
  select.replaceChildren();
  if (!state.tenant || !state.key) {
    $('connection').open = true;
    return;
  }
  const { status, data } = await call('GET', tenantPath('/demo/users'));
  if (status === 200 && data && Array.isArray(data.users)) {
    state.users = data.users;
    for (const u of data.users) {
      select.append(el('option', { value: u.id }, `${u.display} (${u.type})`));
    }
    select.classList.remove('hidden');
    manual.classList.add('hidden');
  } else {
    // Not a demo server: the asker types their own user id.
    state.users = [];
    select.classList.add('hidden');
    manual.classList.remove('hidden');
    if (status !== 404) showProblem({ status, data });  // 404: not a demo server
  }
}

function askerId() {
  return $('asker').classList.contains('hidden') ? $('asker-id').value.trim() : $('asker').value;
}

function askerType() {
  const user = state.users.find((u) => u.id === askerId());
  return user ? user.type : '';
}

// --- Rendering an answer ---

function results() {
  const heading = $('results-heading');
  heading.classList.remove('hidden');
  return $('results-body');
}

function focusResults() {
  $('results').setAttribute('aria-busy', 'false');
  $('results-heading').focus();
}

function showProblem({ status, data }) {
  const body = results();
  const title = (data && data.title) || 'Something went wrong';
  let detail = (data && data.detail) || `The server answered ${status}.`;
  if (status === 403) {
    detail = 'You may not see this. Either it is not yours to see, or it does not exist.';
  }
  const box = el('div', { class: 'error', role: 'alert' }, el('strong', {}, `${title}: `), detail);
  if (data && Array.isArray(data.errors) && data.errors.length) {
    box.append(el('ul', {}, ...data.errors.map((e) => el('li', {}, `${e.path || '(body)'}: ${e.reason}`))));
  }
  body.replaceChildren(box);
  focusResults();
}

// "account_locked" -> "Account locked".
function humanize(code) {
  const words = String(code || '').replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function percent(confidence) {
  return Math.round((Number(confidence) || 0) * 100) + '%';
}

function remediationFor(finding) {
  const role = askerType();
  const steps = Array.isArray(finding.remediation) ? finding.remediation : [];
  const mine = steps.filter((s) => s.actor === role);
  const others = steps.filter((s) => s.actor !== role);
  const nodes = [];
  if (mine.length) {
    nodes.push(el('h4', {}, 'What you can do'), el('ol', {}, ...mine.map((s) => el('li', {}, s.step))));
  }
  if (others.length) {
    const who = el('details', {}, el('summary', {}, mine.length ? 'What others can do' : 'What can be done'));
    who.append(el('ul', {}, ...others.map((s) => el('li', {}, el('strong', {}, `${s.actor}: `), s.step))));
    nodes.push(who);
  }
  return nodes;
}

function findingCard(finding, index) {
  const severity = ['blocking', 'warning', 'info'].includes(finding.severity) ? finding.severity : 'info';
  const id = `finding-${index}`;
  const card = el('article', { class: `card ${severity}`, 'aria-labelledby': id });
  card.append(el('h3', { id }, el('span', { class: `severity ${severity}` }, severity), humanize(finding.cause)));
  card.append(el('p', {}, finding.explanation || ''));
  if (Array.isArray(finding.evidence) && finding.evidence.length) {
    const dl = el('dl', { class: 'evidence', 'aria-label': 'Evidence' });
    for (const e of finding.evidence) {
      dl.append(el('dt', {}, String(e.fact)), el('dd', {}, typeof e.value === 'string' ? e.value : JSON.stringify(e.value)));
    }
    card.append(dl);
  }
  card.append(...remediationFor(finding));
  return card;
}

function showAnswer(answer) {
  const body = results();
  const parts = [];
  const faq = answer.faq;
  const alternatives = Array.isArray(answer.alternatives) ? answer.alternatives : [];
  if (faq) {
    parts.push(el('p', { class: 'match' }, 'Question understood as ', el('strong', {}, faq.title || faq.id),
      el('span', { class: 'confidence' }, ` (confidence ${percent(faq.confidence)})`)));
  } else {
    parts.push(el('p', { class: 'notice' }, 'We could not tell which question this is. Try other words.'));
  }
  if (alternatives.length && (!faq || Number(faq.confidence) < 0.6)) {
    const options = [faq, ...alternatives].filter(Boolean);
    const box = el('div', { class: 'did-you-mean', role: 'group', 'aria-labelledby': 'dym' },
      el('p', { id: 'dym' }, el('strong', {}, 'Did you mean:')));
    box.append(el('ul', {}, ...options.map((o) => {
      const button = el('button', { type: 'button', class: 'secondary', 'data-faq': o.id }, o.title || o.id);
      button.addEventListener('click', () => ask({ faq: o.id }));
      return el('li', {}, button);
    })));
    parts.push(box);
  }
  const needs = Array.isArray(answer.needs) ? answer.needs : [];
  if (needs.includes('subject')) {
    parts.push(el('p', { class: 'notice' }, 'Who is this about? Enter their user id or email under ',
      el('em', {}, 'About someone else'), ' and ask again.'));
  }
  const findings = Array.isArray(answer.findings) ? answer.findings : [];
  if (answer.subject && answer.subject.user) {
    parts.push(el('p', {}, 'About: ', el('strong', {}, answer.subject.user.display || answer.subject.user.id)));
  }
  if (findings.length) {
    parts.push(el('h3', {}, findings.length === 1 ? 'What we found' : `What we found (${findings.length})`));
    findings.forEach((f, i) => parts.push(findingCard(f, i)));
  } else if (faq && !needs.length) {
    parts.push(el('p', { class: 'notice' }, 'Nothing we checked explains this.'));
  }
  const checked = Array.isArray(answer.checked) ? answer.checked : [];
  if (checked.length) {
    const details = el('details', {}, el('summary', {}, `What else was checked (${checked.length})`));
    details.append(el('ul', {}, ...checked.map((c) => el('li', {}, el('strong', {}, c.cause || c.rule || ''), ': ', c.because || ''))));
    parts.push(details);
  }
  if (answer.answer) {
    parts.push(el('section', { class: 'faq-answer', 'aria-label': 'General answer' },
      el('h3', {}, 'General answer'), renderMarkdown(answer.answer)));
  }
  body.replaceChildren(...parts);
  focusResults();
}

async function ask(extra) {
  if (!state.tenant || !state.key) {
    $('connection').open = true;
    $(state.tenant ? 'key' : 'tenant').focus();
    return;
  }
  const question = $('question').value.trim();
  const asker = askerId();
  if (!asker) {
    (($('asker').classList.contains('hidden')) ? $('asker-id') : $('asker')).focus();
    return;
  }
  if (!question && !(extra && extra.faq)) {
    $('question').focus();
    return;
  }
  const request = { asker };
  if (question) request.question = question;
  if (extra && extra.faq) request.faq = extra.faq;
  const subject = $('subject').value.trim();
  if (subject) request.subject = subject.includes('@') ? { email: subject } : { user: subject };
  state.lastAsk = request;
  $('results').setAttribute('aria-busy', 'true');
  $('ask').disabled = true;
  try {
    const reply = await call('POST', tenantPath('/ask'), request);
    if (reply.status === 200 && reply.data) showAnswer(reply.data);
    else showProblem(reply);
  } catch (e) {
    showProblem({ status: 0, data: { title: 'No connection', detail: String(e.message || e) } });
  } finally {
    $('ask').disabled = false;
  }
}

function init() {
  const params = new URLSearchParams(location.hash.slice(1));
  $('tenant').value = params.get('tenant') || localStorage.getItem('whyd.tenant') || '';
  $('key').value = params.get('key') || '';
  if (params.get('key')) history.replaceState(null, '', location.pathname);  // keep the key out of history
  $('connect').addEventListener('click', async () => {
    localStorage.setItem('whyd.tenant', $('tenant').value.trim());
    await loadUsers();
    $('question').focus();
  });
  $('ask-form').addEventListener('submit', (event) => {
    event.preventDefault();
    ask();
  });
  if (!$('tenant').value || !$('key').value) $('connection').open = true;
  loadUsers();
}

document.addEventListener('DOMContentLoaded', init);
