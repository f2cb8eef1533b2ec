// Talking to /api2/json with upstream's conventions: the ticket in the
// PVEAuthCookie cookie, the CSRFPreventionToken header on writes, results
// in {"data": ...}, errors as {"message", "errors": {param: text}}.

const TICKET_LIFETIME = 2 * 3600;
const RENEW_AFTER = 15 * 60;

export class ApiError extends Error {
        constructor(status, message, errors) {
                super(message || `HTTP ${status}`);
                this.status = status;
                this.errors = errors || null;
        }
}

const session = {
        get username() { return sessionStorage.getItem("pve-username"); },
        get csrf() { return sessionStorage.getItem("pve-csrf"); },
};

function ticketFromCookie() {
        const m = document.cookie.match(/(?:^|;\s*)PVEAuthCookie=([^;]*)/);
        return m ? decodeURIComponent(m[1]) : null;
}

// Seconds since the ticket was issued (its hex time), or Infinity.
function ticketAge(ticket) {
        const m = ticket && ticket.match(/^PVE:[^:]+:([0-9A-F]{8})::/);
        return m ? Date.now() / 1000 - parseInt(m[1], 16) : Infinity;
}

export function loggedIn() {
        const t = ticketFromCookie();
        return !!(t && session.username && session.csrf && ticketAge(t) < TICKET_LIFETIME - 60);
}

export function currentUser() {
        return session.username;
}

function store(data) {
        document.cookie = `PVEAuthCookie=${encodeURIComponent(data.ticket)}; path=/; secure; samesite=strict`;
        sessionStorage.setItem("pve-username", data.username);
        sessionStorage.setItem("pve-csrf", data.CSRFPreventionToken);
}

export function logout() {
        document.cookie = "PVEAuthCookie=; path=/; secure; samesite=strict; max-age=0";
        sessionStorage.removeItem("pve-username");
        sessionStorage.removeItem("pve-csrf");
        window.dispatchEvent(new Event("pve-logout"));
}

function encodeParams(params) {
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(params || {})) {
                if (v === undefined || v === null || v === "") continue;
                body.append(k, typeof v === "boolean" ? (v ? "1" : "0") : String(v));
        }
        return body;
}

// Calls the API; resolves to {data, attrs} (attrs: the members beside "data").
export async function call(method, path, params) {
        const opts = { method, headers: {}, credentials: "same-origin" };
        let url = `/api2/json${path}`;
        if (method === "GET" || method === "DELETE") {
                const q = encodeParams(params).toString();
                if (q) url += `?${q}`;
        } else {
                opts.body = encodeParams(params);
                opts.headers["Content-Type"] = "application/x-www-form-urlencoded";
        }
        if (method !== "GET" && session.csrf) opts.headers.CSRFPreventionToken = session.csrf;
        const resp = await fetch(url, opts);
        let json = null;
        try {
                json = await resp.json();
        } catch {
                json = null;
        }
        if (!resp.ok) {
                if (resp.status === 401 && path !== "/access/ticket") logout();
                throw new ApiError(resp.status, json?.message, json?.errors);
        }
        const { data, ...attrs } = json || {};
        return { data, attrs };
}

export async function get(path, params) {
        return (await call("GET", path, params)).data;
}

export async function login(username, password, realm) {
        const { data } = await call("POST", "/access/ticket", { username, password, realm });
        store(data);
        return data;
}

// Renews the ticket with itself before it expires, as upstream's GUI does.
export async function renewTicket() {
        const t = ticketFromCookie();
        if (!t || ticketAge(t) < RENEW_AFTER) return;
        const { data } = await call("POST", "/access/ticket", { username: session.username, password: t });
        store(data);
}

// Child names of an API directory ("/nodes/pve1" -> ["config", "network", ...]).
const indexCache = new Map();
export async function children(path) {
        if (!indexCache.has(path)) {
                indexCache.set(path, get(path).then(
                        (list) => list.map((e) => Object.values(e)[0]),
                        () => []));
        }
        return indexCache.get(path);
}

// True when the API directory dir has a child name (checked through the
// directory indexes, so a method that is missing never shows up as a failed request).
export async function has(dir, name) {
        return (await children(dir)).includes(name);
}

export function formatError(e) {
        if (!(e instanceof ApiError)) return String(e.message || e);
        const details = e.errors ? Object.entries(e.errors).map(([k, v]) => `${k}: ${v}`).join("; ") : "";
        return details ? `${e.message} (${details})` : e.message;
}
