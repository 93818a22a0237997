// AetherCore operator dashboard: login (WebAuthn), the /mesh/health WebSocket client, the mesh graph with the
// Aetheric Sweep, and the page's own frame/latency metrics. Plain ES2020, no dependencies, CSP-clean (no inline
// code, no eval, no innerHTML: every string from the server is set as text).
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);

  // ---- constants ------------------------------------------------------------------------------------------
  const STATUS_COLOURS = {
    HEALTHY: '#3fb950',
    DEGRADED: '#d29922',
    QUARANTINED: '#f0883e',
    COMPROMISED: '#f85149',
    PURGED: '#6e7681',
  };
  const UNKNOWN_COLOUR = '#8b949e';
  const FRAME_MS = 1000 / 60;
  const DROP_MS = 1.5 * FRAME_MS;
  const REPORT_MS = 5000;
  const EVENT_CAP = 50;
  const BANNER_MS = 10000;
  const BACKOFF_MIN = 250;
  const BACKOFF_MAX = 5000;
  // Aetheric Sweep timeline (ms from its start): pulse, rings, neighbours, done.
  const SWEEP = { rings: 600, neighbours: 1600, done: 2400, ringLife: 1100 };
  const SWEEP_STAGES = ['pulse', 'rings', 'neighbours', 'done'];

  // ---- state ----------------------------------------------------------------------------------------------
  const state = {
    self: null,
    operator: null,
    mesh: { state: 'UNKNOWN', gospelSize: null, gospelRoot: null },
    config: { updateHz: 1, sweepHz: 10 },
    nodes: new Map(),
    seq: null,
    seqGaps: 0,
  };
  const ui = { tableDirty: true, headerDirty: true, graphDirty: true, layoutDirty: true };
  const sweeps = []; // running and recently finished sweeps, oldest first
  const sweepLog = [];
  const recentRevocations = new Map(); // node id -> performance.now() of the sweep's start
  const cspViolations = [];

  document.addEventListener('securitypolicyviolation', (e) => {
    cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });

  // ---- helpers --------------------------------------------------------------------------------------------
  const str = (v, dflt = '') => (typeof v === 'string' ? v : v == null ? dflt : String(v));
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

  function b64urlToBuf(s) {
    const b64 = str(s).replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function bufToB64url(buf) {
    if (buf == null) return null;
    const bytes = new Uint8Array(buf instanceof ArrayBuffer ? buf : buf.buffer);
    let bin = '';
    for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function percentile(sorted, p) {
    if (sorted.length === 0) return 0;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[i];
  }

  const round2 = (x) => Math.round(x * 100) / 100;

  function relTime(ms, now) {
    if (ms == null) return 'never';
    const s = Math.max(0, Math.round((now - ms) / 1000));
    if (s < 120) return `${s} s ago`;
    const m = Math.round(s / 60);
    if (m < 120) return `${m} min ago`;
    const h = Math.round(m / 60);
    if (h < 48) return `${h} h ago`;
    return `${Math.round(h / 24)} d ago`;
  }

  function clockTime(ms) {
    const d = new Date(typeof ms === 'number' ? ms : Date.now());
    return d.toTimeString().slice(0, 8);
  }

  // ---- views ----------------------------------------------------------------------------------------------
  function showView(view) {
    document.body.dataset.view = view;
    $('auth').hidden = view !== 'login' && view !== 'enrol';
    $('login-panel').hidden = view !== 'login';
    $('enrol-panel').hidden = view !== 'enrol';
    $('dashboard').hidden = view !== 'dashboard';
    $('status-bar').hidden = view !== 'dashboard';
    if (view !== 'dashboard') {
      $('mesh-warning').hidden = true;
      $('resync-banner').hidden = true;
    }
    if (view === 'login') $('operator-name').focus();
  }

  function setError(msg) {
    $('login-error').textContent = msg ? str(msg) : '';
  }

  // ---- HTTP / WebAuthn ------------------------------------------------------------------------------------
  async function postJson(path, body) {
    const res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let json = null;
    const text = await res.text();
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (e) {
        json = null;
      }
    }
    if (!res.ok) {
      const msg = isObj(json) && typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
      throw new Error(msg);
    }
    return json;
  }

  function webauthnError(e) {
    if (e && e.name === 'NotAllowedError') return 'The security key was not used in time, or the request was cancelled.';
    if (e && e.name === 'InvalidStateError') return 'This security key is already registered.';
    if (e && e.name === 'SecurityError') return 'The browser refused WebAuthn on this address.';
    return e && e.message ? e.message : String(e);
  }

  async function login(operator) {
    const opts = await postJson('/auth/login/options', { operator });
    if (!isObj(opts) || !isObj(opts.publicKey)) throw new Error('Malformed login options from the node.');
    const pk = Object.assign({}, opts.publicKey);
    pk.challenge = b64urlToBuf(pk.challenge);
    if (Array.isArray(pk.allowCredentials)) {
      pk.allowCredentials = pk.allowCredentials.map((c) => Object.assign({}, c, { id: b64urlToBuf(c.id) }));
    }
    let cred;
    try {
      cred = await navigator.credentials.get({ publicKey: pk });
    } catch (e) {
      throw new Error(webauthnError(e));
    }
    if (!cred) throw new Error('No credential was returned by the security key.');
    const r = cred.response;
    const done = await postJson('/auth/login/finish', {
      ceremony: opts.ceremony,
      id: cred.id,
      rawId: bufToB64url(cred.rawId),
      type: cred.type || 'public-key',
      response: {
        clientDataJSON: bufToB64url(r.clientDataJSON),
        authenticatorData: bufToB64url(r.authenticatorData),
        signature: bufToB64url(r.signature),
        userHandle: r.userHandle ? bufToB64url(r.userHandle) : null,
      },
    });
    return done;
  }

  async function register(token) {
    const opts = await postJson('/auth/register/options', { token });
    if (!isObj(opts) || !isObj(opts.publicKey)) throw new Error('Malformed registration options from the node.');
    const pk = Object.assign({}, opts.publicKey);
    pk.challenge = b64urlToBuf(pk.challenge);
    if (isObj(pk.user)) pk.user = Object.assign({}, pk.user, { id: b64urlToBuf(pk.user.id) });
    if (Array.isArray(pk.excludeCredentials)) {
      pk.excludeCredentials = pk.excludeCredentials.map((c) => Object.assign({}, c, { id: b64urlToBuf(c.id) }));
    }
    let cred;
    try {
      cred = await navigator.credentials.create({ publicKey: pk });
    } catch (e) {
      throw new Error(webauthnError(e));
    }
    if (!cred) throw new Error('No credential was created by the security key.');
    const r = cred.response;
    const transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    return postJson('/auth/register/finish', {
      token,
      id: cred.id,
      rawId: bufToB64url(cred.rawId),
      type: cred.type || 'public-key',
      response: {
        clientDataJSON: bufToB64url(r.clientDataJSON),
        attestationObject: bufToB64url(r.attestationObject),
        transports,
      },
    });
  }

  function enrolToken() {
    const m = /^#enrol=([^&]+)/.exec(location.hash);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1]);
    } catch (e) {
      return m[1];
    }
  }

  function clearFragment() {
    history.replaceState(null, '', location.pathname + location.search);
  }

  async function checkSession() {
    const res = await fetch('/auth/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (res.status === 401) return null;
    if (!res.ok) throw new Error(`Session check failed: HTTP ${res.status}`);
    return res.json();
  }

  let busy = false;
  $('login-panel').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const name = $('operator-name').value.trim();
    if (!name) {
      setError('Enter your operator name.');
      return;
    }
    busy = true;
    $('login-button').disabled = true;
    setError('');
    $('login-note').textContent = 'Touch your security key…';
    try {
      const done = await login(name);
      $('login-note').textContent = '';
      enterDashboard(isObj(done) ? str(done.operator, name) : name);
    } catch (e) {
      $('login-note').textContent = '';
      setError(`Login failed: ${e.message}`);
    } finally {
      busy = false;
      $('login-button').disabled = false;
    }
  });

  $('enrol-panel').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    const token = enrolToken();
    if (!token) {
      clearFragment();
      showView('login');
      return;
    }
    busy = true;
    $('enrol-button').disabled = true;
    setError('');
    try {
      const done = await register(token);
      clearFragment();
      const op = isObj(done) ? str(done.operator) : '';
      $('operator-name').value = op;
      showView('login');
      $('login-note').textContent = op ? `Security key registered for ${op}. Log in with it now.` : 'Security key registered. Log in with it now.';
    } catch (e) {
      setError(`Registration failed: ${e.message}`);
    } finally {
      busy = false;
      $('enrol-button').disabled = false;
    }
  });

  $('logout').addEventListener('click', async () => {
    stopSocket();
    try {
      await postJson('/auth/logout');
      setError('');
    } catch (e) {
      setError(`Logout failed: ${e.message}`);
    }
    resetState();
    showView('login');
  });

  function enterDashboard(operator) {
    state.operator = operator;
    $('operator').textContent = str(operator, '–');
    showView('dashboard');
    ui.layoutDirty = true;
    invalidate();
    startSocket();
  }

  async function boot() {
    const token = enrolToken();
    if (token) {
      showView('enrol');
      return;
    }
    try {
      const session = await checkSession();
      if (session) {
        enterDashboard(str(session.operator));
      } else {
        showView('login');
      }
    } catch (e) {
      showView('login');
      setError(e.message);
    }
  }

  // ---- WebSocket ------------------------------------------------------------------------------------------
  function wsPath() {
    const meta = document.querySelector('meta[name="aether-ws-path"]');
    const p = meta && meta.content ? meta.content.trim() : '';
    return p.startsWith('/') && !p.startsWith('//') ? p : '/mesh/health';
  }

  const link = { ws: null, wanted: false, attempt: 0, timer: null, awaitingSnapshot: true, opened: false };

  function setConn(s, text) {
    const el = $('conn');
    el.dataset.state = s;
    el.textContent = text || s;
  }

  function startSocket() {
    link.wanted = true;
    link.attempt = 0;
    connect();
  }

  function stopSocket() {
    link.wanted = false;
    clearTimeout(link.timer);
    link.timer = null;
    if (link.ws) {
      const ws = link.ws;
      link.ws = null;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, 'logout');
      } catch (e) {
        // already closed
      }
    }
    setConn('closed');
  }

  function connect() {
    clearTimeout(link.timer);
    link.timer = null;
    if (!link.wanted) return;
    const scheme = location.protocol === 'http:' ? 'ws://' : 'wss://';
    let ws;
    try {
      ws = new WebSocket(scheme + location.host + wsPath());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    link.ws = ws;
    link.opened = false;
    link.awaitingSnapshot = true;
    setConn('connecting');
    ws.onopen = () => {
      if (link.ws !== ws) return;
      link.opened = true;
      setConn('connecting', 'waiting for snapshot');
    };
    ws.onmessage = (ev) => {
      if (link.ws !== ws) return;
      onMessage(ev.data);
    };
    ws.onerror = () => {
      // onclose follows
    };
    ws.onclose = () => {
      if (link.ws !== ws) return;
      link.ws = null;
      setConn('closed');
      if (!link.wanted) return;
      if (!link.opened) {
        // The upgrade was refused or the node is down. A refused upgrade (401) means the session is gone.
        checkSession().then((s) => {
          if (!link.wanted) return;
          if (s) {
            scheduleReconnect();
          } else {
            stopSocket();
            resetState();
            showView('login');
            setError('Your session has ended; log in again.');
          }
        }, () => scheduleReconnect());
      } else {
        scheduleReconnect();
      }
    };
  }

  function scheduleReconnect() {
    if (!link.wanted || link.timer) return;
    const ceiling = Math.min(BACKOFF_MAX, BACKOFF_MIN * 2 ** link.attempt);
    link.attempt = Math.min(link.attempt + 1, 16);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    setConn('closed', `closed · retry in ${(delay / 1000).toFixed(1)} s`);
    link.timer = setTimeout(connect, delay);
  }

  function send(obj) {
    const ws = link.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(obj));
    return true;
  }

  function onMessage(data) {
    if (typeof data !== 'string') return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (!isObj(msg)) return;
    const recvd = Date.now();
    if (msg.type !== 'pong' && typeof msg.t === 'number' && Number.isFinite(msg.t)) {
      metrics.latency.push(Math.max(0, recvd - msg.t));
    }
    switch (msg.type) {
      case 'snapshot':
        applySnapshot(msg);
        break;
      case 'delta':
        if (link.awaitingSnapshot) return; // a resync is under way: the snapshot replaces everything
        applyDelta(msg);
        break;
      case 'resync':
        link.awaitingSnapshot = true;
        setConn('connecting', 'resyncing');
        break;
      case 'pong':
        if (typeof msg.t === 'number') metrics.rtt = recvd - msg.t;
        break;
      case 'error':
        pushEvent({ type: 'ERROR', detail: str(msg.message), at: recvd }, true);
        break;
      default:
        // unknown and subscription-only types (telemetry, dropped) are ignored
        break;
    }
  }

  function trackSeq(msg) {
    const seq = num(msg.seq);
    if (seq == null) return;
    if (state.seq != null && seq !== state.seq + 1) state.seqGaps++; // the server resyncs by itself
    state.seq = seq;
  }

  function normNode(n) {
    if (!isObj(n) || n.id == null) return null;
    return {
      id: str(n.id),
      status: str(n.status, 'UNKNOWN'),
      trust: num(n.trust),
      lastSeen: num(n.lastSeen),
      lag: num(n.lag),
      attestation: str(n.attestation, ''),
      local: n.local === true,
      reachable: n.reachable !== false,
    };
  }

  function applyMesh(m) {
    if (!isObj(m)) return;
    state.mesh = {
      state: str(m.state, 'UNKNOWN'),
      gospelSize: num(m.gospelSize),
      gospelRoot: m.gospelRoot == null ? null : str(m.gospelRoot),
    };
    ui.headerDirty = true;
  }

  function applySnapshot(msg) {
    state.seq = null;
    trackSeq(msg);
    state.self = msg.self == null ? null : str(msg.self);
    if (msg.operator != null) state.operator = str(msg.operator);
    applyMesh(isObj(msg.mesh) ? msg.mesh : { state: 'UNKNOWN' });
    const cfg = isObj(msg.config) ? msg.config : {};
    state.config = {
      updateHz: num(cfg.updateHz) || 1,
      sweepHz: Math.min(60, Math.max(0.5, num(cfg.sweepHz) || 10)),
    };
    state.nodes = new Map();
    if (Array.isArray(msg.nodes)) {
      for (const raw of msg.nodes) {
        const n = normNode(raw);
        if (n) state.nodes.set(n.id, n);
      }
    }
    link.awaitingSnapshot = false;
    link.attempt = 0;
    snapshots++;
    setConn('open');
    ui.layoutDirty = ui.tableDirty = ui.headerDirty = true;
    invalidate();
  }

  function applyDelta(msg) {
    trackSeq(msg);
    if (Array.isArray(msg.nodes)) {
      for (const raw of msg.nodes) {
        const n = normNode(raw);
        if (!n) continue;
        if (!state.nodes.has(n.id)) ui.layoutDirty = true;
        state.nodes.set(n.id, n);
      }
      ui.tableDirty = true;
    }
    if (Array.isArray(msg.removed)) {
      for (const id of msg.removed) {
        if (state.nodes.delete(str(id))) ui.layoutDirty = true;
      }
      ui.tableDirty = true;
    }
    if (msg.mesh !== undefined) applyMesh(msg.mesh);
    if (Array.isArray(msg.events)) {
      for (const e of msg.events) if (isObj(e)) onEvent(e);
    }
    invalidate();
  }

  // ---- events ---------------------------------------------------------------------------------------------
  const events = [];
  let bannerTimer = null;

  function onEvent(e) {
    const ev = { type: str(e.type, '?'), node: e.node == null ? null : str(e.node), detail: str(e.detail), at: num(e.at) };
    pushEvent(ev, ev.type === 'BYZANTINE_DETECTED');
    const now = performance.now();
    if (ev.type === 'REVOKED' && ev.node != null) {
      startSweep(ev.node, now);
    } else if (ev.type === 'SWEEP_COMPLETED' && ev.node != null) {
      const prev = recentRevocations.get(ev.node);
      if (prev === undefined || now - prev > 60000) startSweep(ev.node, now);
    } else if (ev.type === 'RESYNC_COMPLETE') {
      $('resync-detail').textContent = ev.detail;
      $('resync-banner').hidden = false;
      clearTimeout(bannerTimer);
      bannerTimer = setTimeout(() => {
        $('resync-banner').hidden = true;
      }, BANNER_MS);
    }
  }

  function pushEvent(ev, alert) {
    events.unshift(ev);
    if (events.length > EVENT_CAP) events.length = EVENT_CAP;
    const li = document.createElement('li');
    li.dataset.type = ev.type;
    if (alert) li.classList.add('alert');
    const time = document.createElement('time');
    time.textContent = clockTime(ev.at);
    const type = document.createElement('span');
    type.className = 'ev-type';
    type.textContent = alert && ev.type === 'BYZANTINE_DETECTED' ? '⚠ BYZANTINE_DETECTED' : ev.type;
    li.append(time, type);
    if (ev.node != null) {
      const node = document.createElement('span');
      node.className = 'ev-node';
      node.textContent = ev.node;
      li.append(node);
    }
    if (ev.detail) {
      const d = document.createElement('span');
      d.className = 'ev-detail';
      d.textContent = ev.detail;
      li.append(d);
    }
    const list = $('events');
    list.prepend(li);
    while (list.children.length > EVENT_CAP) list.lastElementChild.remove();
  }

  // ---- Aetheric Sweep -------------------------------------------------------------------------------------
  let sweepCount = 0;

  function startSweep(node, now) {
    recentRevocations.set(node, now);
    const s = { node, start: now, stage: 'pulse', ended: false };
    sweeps.push(s);
    sweepCount++;
    metrics.sweeps++;
    logStage(s, now);
    invalidate();
  }

  function logStage(s, now) {
    sweepLog.push({ stage: s.stage, node: s.node, t: now });
    const active = sweeps.filter((x) => !x.ended);
    const shown = active.length ? active[active.length - 1] : s;
    document.body.dataset.sweep = shown.stage;
    document.body.dataset.sweepNode = shown.node;
    ui.tableDirty = true;
  }

  // Moves every sweep to the stage its age calls for, logging each stage passed (in order).
  function advanceSweeps(now) {
    let changed = false;
    for (const s of sweeps) {
      if (s.ended) continue;
      const age = now - s.start;
      const target = age >= SWEEP.done ? 3 : age >= SWEEP.neighbours ? 2 : age >= SWEEP.rings ? 1 : 0;
      let idx = SWEEP_STAGES.indexOf(s.stage);
      while (idx < target) {
        idx++;
        s.stage = SWEEP_STAGES[idx];
        if (s.stage === 'done') {
          s.ended = true;
          const n = state.nodes.get(s.node);
          if (n) n.status = 'PURGED';
          ui.tableDirty = true;
        }
        logStage(s, now);
        changed = true;
      }
    }
    // forget finished sweeps once their rings have faded
    for (let i = sweeps.length - 1; i >= 0; i--) {
      if (sweeps[i].ended && now - sweeps[i].start > SWEEP.done + SWEEP.ringLife) sweeps.splice(i, 1);
    }
    return changed;
  }

  const sweepRunning = () => sweeps.some((s) => !s.ended);
  const animating = () => sweeps.length > 0;

  // ---- metrics --------------------------------------------------------------------------------------------
  const metrics = {
    render: [],
    dropped: 0,
    latency: [],
    sweeps: 0,
    sweepFrames: 0,
    sweepDropped: 0,
    rtt: null,
    total: { frames: 0, dropped: 0, sweepFrames: 0, sweepDropped: 0, renderMax: 0, sweepRenderMax: 0, intervalMax: 0 },
  };
  let lastReport = null;
  let snapshots = 0;

  function currentMetrics() {
    const r = metrics.render.slice().sort((a, b) => a - b);
    const l = metrics.latency.slice().sort((a, b) => a - b);
    return {
      frames: r.length,
      frameP50: round2(percentile(r, 50)),
      frameP99: round2(percentile(r, 99)),
      frameMax: round2(r.length ? r[r.length - 1] : 0),
      dropped: metrics.dropped,
      latencyP50: Math.round(percentile(l, 50)),
      latencyP99: Math.round(percentile(l, 99)),
      sweeps: metrics.sweeps,
      sweepFrames: metrics.sweepFrames,
      sweepDropped: metrics.sweepDropped,
    };
  }

  function report() {
    if (!link.ws || link.ws.readyState !== WebSocket.OPEN) return; // keep accumulating until connected
    const m = currentMetrics();
    if (send(Object.assign({ type: 'metrics' }, m))) {
      lastReport = m;
      metrics.render = [];
      metrics.latency = [];
      metrics.dropped = metrics.sweeps = metrics.sweepFrames = metrics.sweepDropped = 0;
    }
  }

  setInterval(report, REPORT_MS);
  setInterval(() => send({ type: 'ping', t: Date.now() }), REPORT_MS);

  // ---- rendering ------------------------------------------------------------------------------------------
  let rafId = 0;
  let lastFrameTs = null;
  let lastRender = 0;
  const dropLog = []; // the first 50 dropped frames: when, how long the gap was, whether a sweep ran

  function invalidate() {
    ui.graphDirty = true;
    if (!rafId) rafId = requestAnimationFrame(frame);
  }

  document.addEventListener('visibilitychange', () => {
    lastFrameTs = null; // intervals spanning a hidden period are not drops
    if (!document.hidden) invalidate();
  });

  function frame(ts) {
    rafId = 0;
    const inSweep = sweepRunning();
    if (lastFrameTs != null && !document.hidden) {
      const interval = ts - lastFrameTs;
      if (interval > metrics.total.intervalMax) metrics.total.intervalMax = interval;
      if (interval > DROP_MS) {
        if (dropLog.length < 50) {
          dropLog.push({ t: Math.round(ts), interval: round2(interval), prevRender: round2(lastRender), sweep: inSweep });
        }
        metrics.dropped++;
        metrics.total.dropped++;
        if (inSweep) {
          metrics.sweepDropped++;
          metrics.total.sweepDropped++;
        }
      }
    }
    const t0 = performance.now();
    render(t0);
    const dt = performance.now() - t0;
    lastRender = dt;
    metrics.render.push(dt);
    metrics.total.frames++;
    if (dt > metrics.total.renderMax) metrics.total.renderMax = dt;
    if (inSweep) {
      metrics.sweepFrames++;
      metrics.total.sweepFrames++;
      if (dt > metrics.total.sweepRenderMax) metrics.total.sweepRenderMax = dt;
    }
    if (animating() && !document.hidden) {
      lastFrameTs = ts; // a continuous run: the next callback's interval counts
      rafId = requestAnimationFrame(frame);
    } else {
      lastFrameTs = null;
    }
  }

  function render(now) {
    advanceSweeps(now);
    if (ui.headerDirty) renderHeader();
    if (ui.tableDirty) renderTable();
    if (ui.graphDirty || animating()) renderGraph(now);
  }

  function renderHeader() {
    ui.headerDirty = false;
    const m = state.mesh;
    const el = $('mesh-state');
    el.textContent = m.state;
    el.dataset.state = m.state;
    const contested = m.state === 'CONTESTED' || m.state === 'RESYNCING';
    el.classList.toggle('contested', contested);
    const warn = $('mesh-warning');
    warn.hidden = !contested;
    warn.textContent = m.state === 'CONTESTED'
      ? 'Mesh CONTESTED: nodes disagree on the Gospel. Do not act on trust scores until it resolves.'
      : m.state === 'RESYNCING' ? 'Mesh RESYNCING: the Gospel is being reconciled.' : '';
    $('gospel-size').textContent = m.gospelSize == null ? '–' : String(m.gospelSize);
    $('gospel-root').textContent = m.gospelRoot == null ? '–' : m.gospelRoot;
    if (state.operator) $('operator').textContent = state.operator;
  }

  const rows = new Map(); // node id -> tr

  function setCell(td, text) {
    if (td.textContent !== text) td.textContent = text;
  }

  function sortedNodes() {
    return Array.from(state.nodes.values()).sort((a, b) => {
      if (a.local !== b.local) return a.local ? -1 : 1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  }

  function renderTable() {
    ui.tableDirty = false;
    const tbody = $('nodes').tBodies[0];
    const now = Date.now();
    const list = sortedNodes();
    const sweepStage = new Map();
    for (const s of sweeps) if (!s.ended) sweepStage.set(s.node, s.stage);
    const neighbours = sweeps.some((s) => !s.ended && s.stage === 'neighbours');
    const seen = new Set();
    let prev = null;
    for (const n of list) {
      seen.add(n.id);
      let tr = rows.get(n.id);
      if (!tr) {
        tr = document.createElement('tr');
        tr.dataset.node = n.id;
        for (const cls of ['id', 'status', 'trust num', 'seen', 'lag num', 'att']) {
          const td = document.createElement(cls === 'id' ? 'th' : 'td');
          if (cls === 'id') td.scope = 'row';
          td.className = cls;
          tr.append(td);
        }
        rows.set(n.id, tr);
      }
      if (tr.dataset.status !== n.status) tr.dataset.status = n.status;
      const c = tr.children;
      setCell(c[0], n.local ? `${n.id} (local)` : n.id);
      setCell(c[1], n.status);
      setCell(c[2], n.trust == null ? '–' : n.trust.toFixed(2));
      setCell(c[3], relTime(n.lastSeen, now));
      setCell(c[4], n.lag == null ? '–' : String(n.lag));
      setCell(c[5], n.attestation || '–');
      tr.classList.toggle('local', n.local);
      tr.classList.toggle('unreachable', !n.reachable);
      const st = sweepStage.get(n.id);
      if (st) tr.dataset.sweep = st;
      else delete tr.dataset.sweep;
      tr.classList.toggle('neighbour-flash', neighbours && !st && n.status !== 'PURGED');
      const want = prev ? prev.nextSibling : tbody.firstChild;
      if (want !== tr) tbody.insertBefore(tr, want);
      prev = tr;
    }
    for (const [id, tr] of rows) {
      if (!seen.has(id)) {
        tr.remove();
        rows.delete(id);
      }
    }
    $('node-count').textContent = `(${list.length})`;
  }

  // Graph: the local node in the centre, the others on a circle around it (sorted by id).
  const canvas = $('mesh');
  const ctx = canvas.getContext('2d', { alpha: false });
  const view = { w: 0, h: 0, dpr: 1, cx: 0, cy: 0, radius: 0, nodeR: 10, centreId: null };
  let layout = new Map(); // id -> {x, y}

  function resizeCanvas() {
    const rect = canvas.getBoundingClientRect();
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const w = Math.max(1, Math.round(rect.width));
    const h = Math.max(1, Math.round(rect.height));
    if (w !== view.w || h !== view.h || dpr !== view.dpr) {
      view.w = w;
      view.h = h;
      view.dpr = dpr;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      ui.layoutDirty = true;
    }
  }

  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      ui.layoutDirty = true;
      invalidate();
    }).observe(canvas);
  }

  function computeLayout() {
    ui.layoutDirty = false;
    resizeCanvas();
    view.cx = view.w / 2;
    view.cy = view.h / 2;
    view.radius = Math.max(40, Math.min(view.w, view.h) / 2 - 70);
    const list = sortedNodes();
    const count = list.length;
    view.nodeR = count > 60 ? 5 : count > 24 ? 7 : 11;
    layout = new Map();
    const center = list.find((n) => n.local) || (state.self != null ? state.nodes.get(state.self) : null);
    const ring = list.filter((n) => n !== center);
    view.centreId = center ? center.id : null;
    if (center) layout.set(center.id, { x: view.cx, y: view.cy });
    ring.forEach((n, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, ring.length);
      layout.set(n.id, { x: view.cx + view.radius * Math.cos(a), y: view.cy + view.radius * Math.sin(a) });
    });
  }

  function isLocal(n) {
    return n.local || (state.self != null && n.id === state.self);
  }

  function renderGraph(now) {
    ui.graphDirty = false;
    if ($('dashboard').hidden) return;
    if (ui.layoutDirty) computeLayout();
    const { dpr, w, h, nodeR } = view;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#0d1117';
    ctx.fillRect(0, 0, w, h);

    const active = sweeps.filter((s) => !s.ended);
    const sweeping = new Map(active.map((s) => [s.node, s]));
    const neighbourGlow = active.reduce((g, s) => {
      if (s.stage !== 'neighbours') return g;
      const k = 1 - (now - s.start - SWEEP.neighbours) / (SWEEP.done - SWEEP.neighbours);
      return Math.max(g, Math.max(0, Math.min(1, k)));
    }, 0);

    // edges: from the centre node to every other node, and around the circle
    const nodes = sortedNodes();
    const centre = view.centreId == null ? null : state.nodes.get(view.centreId);
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(88,166,255,0.18)';
    ctx.beginPath();
    ctx.arc(view.cx, view.cy, view.radius, 0, 2 * Math.PI);
    ctx.stroke();
    if (centre) {
      ctx.beginPath();
      for (const n of nodes) {
        if (n === centre || n.status === 'PURGED' || !n.reachable) continue;
        const p = layout.get(n.id);
        if (!p) continue;
        ctx.moveTo(view.cx, view.cy);
        ctx.lineTo(p.x, p.y);
      }
      ctx.strokeStyle = 'rgba(88,166,255,0.35)';
      ctx.stroke();
      ctx.beginPath();
      for (const n of nodes) {
        if (n === centre || (n.status !== 'PURGED' && n.reachable)) continue;
        const p = layout.get(n.id);
        if (!p) continue;
        ctx.moveTo(view.cx, view.cy);
        ctx.lineTo(p.x, p.y);
      }
      ctx.setLineDash([3, 5]);
      ctx.strokeStyle = 'rgba(110,118,129,0.35)';
      ctx.stroke();
      ctx.setLineDash([]);
    }

    // sweep rings (behind the nodes)
    const maxR = Math.hypot(w, h) / 2;
    const hz = state.config.sweepHz;
    for (const s of sweeps) {
      const p = layout.get(s.node);
      if (!p) continue;
      const ringsAge = now - s.start - SWEEP.rings;
      if (ringsAge < 0) continue;
      const spawnWindow = Math.min(ringsAge, SWEEP.neighbours - SWEEP.rings);
      const spawned = Math.floor((spawnWindow / 1000) * hz) + 1;
      ctx.lineWidth = 2;
      for (let i = 0; i < spawned; i++) {
        const age = ringsAge - (i * 1000) / hz;
        if (age < 0 || age > SWEEP.ringLife) continue;
        const f = age / SWEEP.ringLife;
        ctx.strokeStyle = `rgba(248,81,73,${(0.8 * (1 - f)).toFixed(3)})`;
        ctx.beginPath();
        ctx.arc(p.x, p.y, nodeR + f * maxR, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }

    // nodes
    const labels = nodes.length <= 60;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const n of nodes) {
      const p = layout.get(n.id);
      if (!p) continue;
      const s = sweeping.get(n.id);
      let colour = STATUS_COLOURS[n.status] || UNKNOWN_COLOUR;
      let r = nodeR;
      if (s) {
        colour = '#f85149';
        const phase = (now - s.start) / 180;
        r = nodeR * (1 + 0.35 * Math.abs(Math.sin(phase)));
        ctx.fillStyle = 'rgba(248,81,73,0.25)';
        ctx.beginPath();
        ctx.arc(p.x, p.y, r * 2, 0, 2 * Math.PI);
        ctx.fill();
      } else if (neighbourGlow > 0 && n.status !== 'PURGED') {
        ctx.strokeStyle = `rgba(230,237,243,${(0.9 * neighbourGlow).toFixed(3)})`;
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.arc(p.x, p.y, nodeR + 6, 0, 2 * Math.PI);
        ctx.stroke();
      }
      ctx.fillStyle = colour;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.fill();
      if (isLocal(n)) {
        ctx.strokeStyle = '#58a6ff';
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.arc(p.x, p.y, nodeR + 5, 0, 2 * Math.PI);
        ctx.stroke();
      }
      if (labels) {
        ctx.font = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
        ctx.fillStyle = n.status === 'PURGED' && !s ? '#6e7681' : '#e6edf3';
        const label = n.id.length > 28 ? `${n.id.slice(0, 27)}…` : n.id;
        ctx.fillText(label, p.x, p.y + nodeR + 8);
        ctx.font = '11px ui-monospace, "SFMono-Regular", Menlo, monospace';
        ctx.fillStyle = '#8b949e';
        ctx.fillText(n.trust == null ? '–' : n.trust.toFixed(2), p.x, p.y + nodeR + 23);
      }
    }
    if (nodes.length === 0) {
      ctx.font = '14px system-ui, sans-serif';
      ctx.fillStyle = '#8b949e';
      ctx.textBaseline = 'middle';
      ctx.fillText(link.awaitingSnapshot ? 'Waiting for the mesh…' : 'No nodes', view.cx, view.cy);
    }
  }

  // relative "last seen" times move on by themselves; the table is redrawn once a second
  setInterval(() => {
    if (document.body.dataset.view !== 'dashboard') return;
    ui.tableDirty = true;
    if (document.hidden) advanceSweeps(performance.now()); // rAF does not run in a hidden tab
    invalidate();
  }, 1000);

  function resetState() {
    state.self = null;
    state.seq = null;
    state.nodes = new Map();
    state.mesh = { state: 'UNKNOWN', gospelSize: null, gospelRoot: null };
    ui.layoutDirty = ui.tableDirty = ui.headerDirty = true;
    invalidate();
  }

  // ---- API for operators' tooling and tests ---------------------------------------------------------------
  window.aetherDashboard = Object.freeze({
    sweepLog,
    cspViolations,
    metrics: () => Object.assign(currentMetrics(), {
      total: Object.assign({}, metrics.total),
      drops: dropLog.slice(),
      lastReport,
      rtt: metrics.rtt,
      seqGaps: state.seqGaps,
      snapshots,
    }),
    reportMetrics: report,
    // where a node is drawn on #mesh, in CSS pixels from the canvas's top left (null when not drawn)
    nodePosition: (id) => {
      const p = layout.get(String(id));
      return p ? { x: p.x, y: p.y, r: view.nodeR } : null;
    },
    state: () => ({
      self: state.self,
      seq: state.seq,
      mesh: Object.assign({}, state.mesh),
      config: Object.assign({}, state.config),
      nodes: Array.from(state.nodes.values()).map((n) => Object.assign({}, n)),
      connection: $('conn').dataset.state,
      sweeping: sweeps.filter((s) => !s.ended).map((s) => ({ node: s.node, stage: s.stage })),
      sweepsStarted: sweepCount,
    }),
  });

  boot();
})();
