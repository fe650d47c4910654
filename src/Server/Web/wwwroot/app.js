// SocketChat's browser client: the JSON mode of docs/protocol.md over a WebSocket, one object per text message.
// Everything from the network is put on the page as text (textContent), never as HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const messages = $("messages");
  const chat = $("chat");
  const input = $("input");
  const stateLabel = $("state");
  const waitingLabel = $("waiting");
  const where = $("where");
  const who = $("who");
  const topicLabel = $("topic");
  const loginForm = $("login");
  const searchForm = $("search");

  // This browser is one device of an account: a stable name it keeps (localStorage), so logging in again it is
  // shown what it missed since it was last here. A reload of this tab resumes (sessionStorage keeps the token).
  const deviceKey = "socketchat.device";
  const resumeKey = "socketchat.resume";
  let device = null;
  try {
    device = localStorage.getItem(deviceKey);
    if (!device || !/^[A-Za-z][A-Za-z0-9._-]{0,31}$/.test(device)) {
      device = `web-${Math.random().toString(36).slice(2, 12)}`;
      localStorage.setItem(deviceKey, device);
    }
  } catch {
    device = null; // storage refused (private mode): a device without a name
  }

  // What survives a dropped connection: who we are, where, the newest message seen there, and the lines the server
  // has not acknowledged yet (resent with their cids, in order, on resuming: stored once, shown once).
  const session = {
    token: null,
    nick: null,
    room: null,
    lastId: 0,
    credentials: null,
    pending: new Map(), // cid -> { request, line }
    roles: {}, // nick -> owner, op or voice, in the room
    topic: null,
    seen: new Set(), // message ids shown, so a replay never shows one twice
    newest: 0, // the newest message id shown, any room or private: where this device got to
    read: {}, // room (lower case) -> the id the account read up to there
  };

  // What a reload of this tab needs to come back as itself: the token, and where it got to.
  function keep() {
    try {
      if (session.token) sessionStorage.setItem(resumeKey, JSON.stringify({ token: session.token, lastId: session.lastId, nick: session.nick, room: session.room, account: session.account }));
      else sessionStorage.removeItem(resumeKey);
    } catch {
      // storage refused: a reload is a new connection
    }
  }

  function restore() {
    try {
      const kept = JSON.parse(sessionStorage.getItem(resumeKey) || "null");
      if (kept && typeof kept.token === "string") Object.assign(session, { token: kept.token, lastId: kept.lastId | 0, nick: kept.nick, room: kept.room, account: kept.account });
    } catch {
      // nothing usable kept
    }
  }
  const cidPrefix = Math.random().toString(36).slice(2, 10);
  let cidCounter = 0;
  let socket = null;
  let retryDelay = 500;
  let retryTimer = null;
  let stopped = false; // quit, or told not to come back
  let welcomed = false;

  function setState(state, text) {
    stateLabel.className = `state ${state}`;
    stateLabel.textContent = text;
    document.body.dataset.state = state;
  }

  function showWaiting() {
    const count = session.pending.size;
    waitingLabel.hidden = count === 0;
    waitingLabel.textContent = count === 1 ? "1 line waiting" : `${count} lines waiting`;
  }

  function atBottom() {
    return chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  }

  function time(ts) {
    const date = ts ? new Date(ts) : new Date();
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // One line of the conversation. parts: [className, text] pairs, each a span.
  function add(kind, parts, ts) {
    const follow = atBottom();
    const item = document.createElement("li");
    item.className = kind;
    const stamp = document.createElement("span");
    stamp.className = "time";
    stamp.textContent = time(ts);
    const body = document.createElement("span");
    body.className = "body";
    for (const [cls, text] of parts) {
      const span = document.createElement("span");
      if (cls) span.className = cls;
      span.textContent = text;
      body.append(span);
    }
    item.append(stamp, body);
    messages.append(item);
    if (follow) chat.scrollTop = chat.scrollHeight;
    return item;
  }

  function notice(text, kind = "notice") {
    return add(kind, [[null, text]]);
  }

  // "/me waves" is an action, shown as "* alice waves", as everywhere in SocketChat.
  function said(from, text) {
    return text.startsWith("/me ") ? [["from", `* ${from}`], [null, ` ${text.slice(4)}`]] : [["from", from], [null, `: ${text}`]];
  }

  function showMessage(event) {
    // What /history asked for is shown even where it is on the page already; anything else once.
    if (event.id && session.seen.has(event.id) && !(event.history && session.askedHistory)) return;
    if (event.id) session.seen.add(event.id);
    const here = event.room && event.room.toLowerCase() === (session.room || "").toLowerCase();
    if (here && event.id > session.lastId) {
      session.lastId = event.id;
      keep();
    }
    if (event.id > session.newest) session.newest = event.id;
    // Said on another device of this account: shown as this page's own.
    const item = add(`${event.history ? "history" : "message"}${event.own ? " mine" : ""}`, said(event.from, event.text), event.ts);
    if (event.id) item.dataset.id = event.id;
    if (here && !event.history) markReadSoon();
  }

  // The account's read marker: a line above the first message after it, and moved on as this page is read.
  function showRead(event) {
    session.read[event.room.toLowerCase()] = event.id;
    if (event.room.toLowerCase() !== (session.room || "").toLowerCase()) return;
    document.querySelectorAll("#messages li.unread").forEach((line) => line.remove());
    const after = [...messages.querySelectorAll("li[data-id]")].find((item) => Number(item.dataset.id) > event.id);
    if (!after) return;
    const line = document.createElement("li");
    line.className = "unread";
    line.textContent = "new since you last read";
    messages.insertBefore(line, after);
  }

  let readTimer = null;
  function markReadSoon() {
    if (document.hidden || !session.credentials && !session.account || readTimer !== null) return;
    readTimer = setTimeout(() => {
      readTimer = null;
      const upTo = session.lastId;
      if (!document.hidden && upTo > (session.read[(session.room || "").toLowerCase()] || 0)) send({ type: "read", id: upTo });
    }, 1000);
  }
  document.addEventListener("visibilitychange", markReadSoon);

  function send(request) {
    if (socket && socket.readyState === WebSocket.OPEN && welcomed) {
      socket.send(JSON.stringify(request));
      return true;
    }
    return false;
  }

  // A message or private line: shown at once, kept until acknowledged, resent after a reconnect.
  function sendLine(request, line) {
    const cid = `${cidPrefix}-${++cidCounter}`;
    request.cid = cid;
    line.classList.add("unsent");
    session.pending.set(cid, { request, line });
    showWaiting();
    send(request);
  }

  function askWho() {
    send({ type: "who" });
  }

  const signs = { owner: "~", op: "@", voice: "+" };

  // Who is here, each with their role's sign; an operator of the room gets kick, ban and mute beside the others.
  function showWho(nicks, roles) {
    session.roles = roles || {};
    const mine = session.roles[session.nick];
    const moderating = mine === "owner" || mine === "op";
    who.replaceChildren(...nicks.map((nick) => {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "nick";
      const role = session.roles[nick];
      name.textContent = (signs[role] || "") + nick;
      if (role) {
        name.title = role;
        item.dataset.role = role;
      }
      item.append(name);
      if (nick === session.nick) item.classList.add("me");
      else if (moderating) {
        for (const [action, label] of [["kick", "kick"], ["ban", "ban"], ["mute", "mute"]]) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = `moderate ${action}`;
          button.textContent = label;
          button.title = `${label} ${nick}`;
          button.addEventListener("click", () => send(action === "kick" ? { type: "kick", nick } : { type: action, mask: nick }));
          item.append(button);
        }
      }
      return item;
    }));
    $("people-title").textContent = `Here (${nicks.length})`;
  }

  function showTopic(text) {
    session.topic = text || null;
    topicLabel.textContent = session.topic ? `— ${session.topic}` : "";
  }

  // A moderation action, said as the terminal says it.
  function describe(m) {
    const where = m.room || "this server";
    const inWhere = m.room ? `in ${m.room}` : "on this server";
    const until = m.expires ? ` until ${new Date(m.expires).toLocaleString()}` : "";
    const reason = m.text ? `: ${m.text}` : "";
    switch (m.action) {
      case "topic": return m.text ? `${m.by} set the topic of ${where}: ${m.text}` : `${m.by} cleared the topic of ${where}`;
      case "kick": return `${m.target} was kicked from ${where} by ${m.by}${reason}`;
      case "ban": return `${m.by} banned ${m.target} from ${where}${until}`;
      case "unban": return `${m.by} lifted the ban on ${m.target} ${inWhere}`;
      case "mute": return `${m.by} muted ${m.target} ${inWhere}${until}`;
      case "unmute": return `${m.by} unmuted ${m.target} ${inWhere}`;
      case "op": return `${m.by} made ${m.target} an operator of ${where}`;
      case "deop": return `${m.by} took operator from ${m.target} in ${where}`;
      case "voice": return `${m.by} gave ${m.target} a voice in ${where}`;
      case "devoice": return `${m.by} took the voice of ${m.target} in ${where}`;
      case "owner": return `${m.by} made ${m.target} an owner of ${where}`;
      case "disown": return `${m.by} took ownership of ${where} from ${m.target}`;
      case "mode": return `${m.by} set mode ${m.text} on ${where}`;
      case "invite": return `${m.by} invited ${m.target} to ${where}`;
      case "kill": return `${m.target} was disconnected by ${m.by}${reason}`;
      case "wallops": return `wallops from ${m.by}: ${m.text}`;
      default: return `${m.by}: ${m.action} ${m.target || ""}`;
    }
  }

  function moderated(event) {
    if (event.id && session.seen.has(event.id) && !event.history) return;
    if (event.id) session.seen.add(event.id);
    add(event.history ? "history moderation" : "moderation", [[null, describe(event)]], event.ts);
    if (event.history) return;
    if (event.action === "topic" && event.room && event.room.toLowerCase() === (session.room || "").toLowerCase()) showTopic(event.text);
    if (event.action === "kick" && event.target === session.nick) {
      session.room = null;
      showWhere();
      showTopic(null);
      who.replaceChildren();
      return;
    }
    askWho();
  }

  // Moderation typed as in the terminal, sent as the protocol's objects.
  function moderate(command, argument) {
    const words = argument.split(" ").filter((word) => word);
    const room = words[0] && words[0].startsWith("#") ? words.shift().slice(1) : undefined;
    const server = words[0] === "--server" ? (words.shift(), true) : undefined;
    const [first, ...rest] = words;
    const request = { type: command, room, server };
    switch (command) {
      case "topic":
        if (words.length) request.text = argument === "-" ? "" : words.join(" ");
        break;
      case "mode":
        if (words.length) request.modes = words.join(" ");
        break;
      case "bans":
        break;
      case "kick":
      case "kill":
        if (!first) return false;
        request.nick = first;
        if (rest.length) request.reason = rest.join(" ");
        break;
      case "ban":
      case "mute":
        if (!first) return false;
        request.mask = first;
        if (rest[0]) request.duration = rest[0];
        break;
      case "unban":
      case "unmute":
        if (!first) return false;
        request.mask = first;
        break;
      default:
        if (!first) return false;
        request.nick = first;
    }
    send(request);
    return true;
  }

  function showWhere() {
    where.textContent = session.nick ? `${session.nick} in ${session.room}` : "";
    document.title = session.room ? `${session.room} · SocketChat` : "SocketChat";
  }

  function welcome(event) {
    const before = { nick: session.nick, room: session.room };
    welcomed = true;
    session.token = event.token;
    session.nick = event.nick;
    if (session.credentials) session.account = event.nick;
    retryDelay = 500;
    loginForm.hidden = true;
    setState("connected", "connected");
    if (!event.resumed) {
      // A new identity: the room's history comes next.
      session.room = event.room;
      session.lastId = 0;
      if (before.nick) {
        notice(`the server did not know this page any more; you are ${event.nick} again`);
        // Take the name and room back before resending, as the protocol asks.
        if (before.nick !== event.nick && !session.credentials) send({ type: "nick", nick: before.nick });
        if (before.room && before.room !== event.room) send({ type: "join", room: before.room });
      }
    } else {
      session.room = event.room;
      notice("reconnected");
    }
    showWhere();
    keep();
    for (const { request } of session.pending.values()) send(request);
    askWho();
  }

  function login() {
    const request = { type: "login", name: session.credentials.name, password: session.credentials.password };
    if (device) request.device = device;
    if (session.newest > 0) request.last_id = session.newest;
    send(request);
  }

  function handle(event) {
    switch (event.type) {
      case "welcome":
        welcome(event);
        break;
      case "login_required":
        welcomed = true;
        if (session.credentials) {
          login();
        } else {
          loginForm.hidden = false;
          setState("offline", "log in");
          $("login-name").focus();
        }
        break;
      case "message":
        showMessage(event);
        break;
      case "announce":
        if (event.id && session.seen.has(event.id)) break;
        if (event.id) session.seen.add(event.id);
        add(event.history ? "history announce" : "announce", [["from", "server"], [null, `: ${event.text}`]], event.ts);
        break;
      case "private":
        if (event.id && session.seen.has(event.id)) break;
        if (event.id) session.seen.add(event.id);
        if (event.id > session.newest) session.newest = event.id;
        if (event.own) add("private mine", [["from", `[private] → ${event.to}`], [null, `: ${event.text}`]], event.ts);
        else add("private", [["from", `[private] ${event.from}`], [null, `: ${event.text}`]], event.ts);
        break;
      case "read":
        session.account = session.account || session.nick;
        showRead(event);
        if (event.cid === "read") notice(event.id ? `read up to ${event.id} in ${event.room}` : `nothing marked read in ${event.room}`);
        break;
      case "found":
        add("found", [["from", `[found] ${event.room ? `#${event.room}` : `${event.from} → ${event.to}`} ${time(event.ts)} ${event.from}`], [null, `: ${event.text}`]], event.ts);
        break;
      case "search_end":
        notice(`${event.count} found for "${event.text}"`);
        break;
      case "ack": {
        const entry = session.pending.get(event.cid);
        if (entry) {
          session.pending.delete(event.cid);
          entry.line.classList.remove("unsent");
          showWaiting();
        }
        if (event.id) session.seen.add(event.id);
        if (entry && entry.request.type === "message" && event.id > session.lastId) {
          session.lastId = event.id;
          keep();
        }
        break;
      }
      case "presence":
        if (event.action === "join" && event.nick === session.nick && event.room !== session.room) {
          session.room = event.room;
          session.lastId = 0;
          showWhere();
          showTopic(null);
          keep();
        }
        if (event.action === "rename" && event.old === session.nick) {
          session.nick = event.nick;
          showWhere();
        }
        notice(event.action === "join" ? `${event.nick} joined ${event.room}`
          : event.action === "leave" ? `${event.nick} left ${event.room}`
            : `${event.old} is now known as ${event.nick}`);
        askWho();
        break;
      case "who":
        showWho(event.nicks || [], event.roles);
        if (event.room && event.room.toLowerCase() === (session.room || "").toLowerCase()) showTopic(event.topic);
        if (event.cid === "who") notice(`${event.room} (${event.total || event.nicks.length}): ${event.nicks.join(", ")}`);
        break;
      case "info":
        notice(event.text);
        break;
      case "topic":
        if (event.room && event.room.toLowerCase() === (session.room || "").toLowerCase()) showTopic(event.text);
        if (event.cid === "topic") notice(event.text ? `topic of ${event.room}: ${event.text}` : `${event.room} has no topic`);
        break;
      case "moderation":
        moderated(event);
        break;
      case "notice":
        notice(event.text);
        break;
      case "error":
        notice(event.message, "error");
        if (event.cid && session.pending.has(event.cid)) {
          // Refused for good (empty, reused id): not waiting any more.
          session.pending.get(event.cid).line.classList.remove("unsent");
          session.pending.delete(event.cid);
          showWaiting();
        }
        if (event.code === "logged_in_elsewhere" || event.code === "refused") stopped = true;
        if (event.code === "login_failed") {
          session.credentials = null;
          loginForm.hidden = false;
        }
        if (event.code === "resume_failed") {
          session.token = null;
          keep();
        }
        break;
      case "shutdown":
        notice(event.text);
        break;
      case "ping":
        send({ type: "ping" });
        break;
      case "history_end":
        if (event.cid === "history") {
          session.askedHistory = false;
          if (event.count === 0) notice("no earlier messages");
        }
        break;
      case "pong":
        if (event.cid === "ping") notice(event.problem ? `pong; unhealthy: ${event.problem}` : "pong");
        break;
      default:
        break; // what a later server adds
    }
  }

  function connect() {
    retryTimer = null;
    welcomed = false;
    setState(session.nick ? "reconnecting" : "offline", session.nick ? "reconnecting…" : "connecting…");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws`);
    socket.addEventListener("open", () => {
      socket.send(session.token ? `/json resume ${session.token} ${session.lastId}` : "/json");
    });
    socket.addEventListener("message", (message) => {
      if (typeof message.data !== "string" || !message.data.startsWith("{")) return;
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      handle(event);
    });
    socket.addEventListener("close", () => {
      socket = null;
      welcomed = false;
      if (stopped) {
        setState("offline", "offline");
        return;
      }
      // Back off, with some randomness so a restarted server is not met by every page at once.
      setState("reconnecting", "reconnecting…");
      const delay = retryDelay * (0.75 + Math.random() / 2);
      retryDelay = Math.min(retryDelay * 2, 10000);
      retryTimer = setTimeout(connect, delay);
    });
  }

  // What the terminal client understands, the same way.
  function submit(text) {
    if (!text.trim()) return;
    if (text.startsWith("//")) text = text.slice(1);
    else if (text.startsWith("/")) {
      const [command, ...rest] = text.slice(1).split(" ");
      const argument = rest.join(" ").trim();
      switch (command.toLowerCase()) {
        case "nick":
          if (argument) send({ type: "nick", nick: argument });
          else notice("usage: /nick NAME", "error");
          return;
        case "join":
          if (argument) send({ type: "join", room: argument.replace(/^#/, "") });
          else notice("usage: /join ROOM", "error");
          return;
        case "history": {
          const limit = argument ? Number(argument) : 20;
          if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
            notice("usage: /history [N], N from 1 to 500", "error");
            return;
          }
          session.askedHistory = true;
          send({ type: "history", limit, cid: "history" });
          return;
        }
        case "ping":
          send({ type: "ping", cid: "ping" });
          return;
        case "msg": {
          const [to, ...words] = argument.split(" ");
          const said = words.join(" ");
          if (!to || !said) {
            notice("usage: /msg NICK TEXT", "error");
            return;
          }
          const line = add("private mine", [["from", `[private] → ${to}`], [null, `: ${said}`]]);
          sendLine({ type: "private", to, text: said }, line);
          return;
        }
        case "who":
          send({ type: "who", cid: "who" });
          return;
        case "help":
          send({ type: "help" });
          notice("this page: /nick NAME, /join ROOM, /msg NICK TEXT, /who, /history [N], /search WORDS, /read [ID], /me TEXT, /ping, /quit; //TEXT says /TEXT; moderation as above");
          return;
        case "topic":
          if (!argument) {
            send({ type: "topic", cid: "topic" });
            return;
          }
          moderate("topic", argument);
          return;
        case "oper": {
          const [name, ...password] = argument.split(" ");
          if (name && password.length) send({ type: "oper", name, password: password.join(" ") });
          else notice("usage: /oper NAME PASSWORD", "error");
          return;
        }
        case "kick": case "ban": case "unban": case "mute": case "unmute": case "op": case "deop": case "voice":
        case "devoice": case "mode": case "invite": case "kill": case "bans":
          if (!moderate(command.toLowerCase(), argument)) notice(`usage: /${command} ${command === "kick" || command === "kill" ? "NICK [REASON]" : "NICK or MASK"}`, "error");
          return;
        case "quit":
          stopped = true;
          session.token = null;
          keep();
          send({ type: "quit" });
          return;
        case "search":
          if (argument) search(argument);
          else notice("usage: /search WORDS", "error");
          return;
        case "read":
          if (argument === "?") send({ type: "read", ask: true, cid: "read" });
          else if (!argument) send({ type: "read", cid: "read" });
          else if (/^\d+$/.test(argument)) send({ type: "read", id: Number(argument), cid: "read" });
          else notice("usage: /read [ID] or /read ?", "error");
          return;
        case "me":
          break;
        default:
          notice(`unknown command /${command}; /help lists them`, "error");
          return;
      }
    }
    const line = add("message mine", said(session.nick || "you", text));
    sendLine({ type: "message", text }, line);
  }

  $("send").addEventListener("submit", (event) => {
    event.preventDefault();
    submit(input.value);
    input.value = "";
    input.focus();
  });

  loginForm.addEventListener("submit", (event) => {
    event.preventDefault();
    session.credentials = { name: $("login-name").value, password: $("login-password").value };
    login();
    $("login-password").value = "";
  });

  // The search box: messages with every word, in the rooms this page is in and its private lines, newest first.
  function search(words) {
    send({ type: "search", text: words, cid: "search" });
  }

  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const words = $("search-text").value.trim();
    if (words) search(words);
  });

  // Back online: try at once rather than wait out the backoff.
  window.addEventListener("online", () => {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryDelay = 500;
      connect();
    }
  });

  restore();
  connect();
  input.focus();
})();
