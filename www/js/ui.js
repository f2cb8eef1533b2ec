// Shared components: data loading, tables, dialogs, form fields, task log.
import { html, useEffect, useRef, useState, useCallback } from "/vendor/preact-htm.js";
import * as api from "/js/api.js";

export { html, useEffect, useRef, useState, useCallback };

// Loads data with fn(); returns {data, error, loading, reload}. Polls every `interval` ms if given.
export function useLoad(fn, deps = [], interval = 0) {
        const [state, setState] = useState({ data: null, error: null, loading: true });
        const seq = useRef(0);
        const reload = useCallback(async () => {
                const n = ++seq.current;
                try {
                        const data = await fn();
                        if (n === seq.current) setState({ data, error: null, loading: false });
                } catch (e) {
                        if (n === seq.current) setState((s) => ({ ...s, error: api.formatError(e), loading: false }));
                }
        }, deps);
        useEffect(() => {
                reload();
                if (!interval) return undefined;
                const t = setInterval(reload, interval);
                return () => clearInterval(t);
        }, [reload]);
        return { ...state, reload };
}

export function ErrorText({ error }) {
        return error ? html`<p class="error" role="alert">${error}</p>` : null;
}

export function Unavailable({ what }) {
        return html`<p class="notice">${what} is not available on this node.</p>`;
}

// columns: [{key, title, render?(row)}]
export function Table({ caption, columns, rows, empty = "No entries." }) {
        if (!rows || rows.length === 0) {
                return html`<table><caption>${caption}</caption><tbody><tr><td>${empty}</td></tr></tbody></table>`;
        }
        return html`<table>
                <caption>${caption}</caption>
                <thead><tr>${columns.map((c) => html`<th scope="col">${c.title}</th>`)}</tr></thead>
                <tbody>${rows.map((r) => html`<tr>${columns.map((c) =>
                        html`<td>${c.render ? c.render(r) : fmt(r[c.key])}</td>`)}</tr>`)}</tbody>
        </table>`;
}

export function fmt(v) {
        if (v === undefined || v === null) return "";
        if (Array.isArray(v)) return v.join(", ");
        if (typeof v === "boolean") return v ? "Yes" : "No";
        return String(v);
}

export function bytes(n) {
        if (n === undefined || n === null) return "";
        const units = ["B", "KiB", "MiB", "GiB", "TiB"];
        let i = 0;
        while (n >= 1024 && i < units.length - 1) {
                n /= 1024;
                i++;
        }
        return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function date(epoch) {
        return epoch ? new Date(epoch * 1000).toLocaleString() : "";
}

// A modal <dialog>: focus moves into it, Escape closes it, focus returns on close.
export function Dialog({ title, onClose, children }) {
        const ref = useRef(null);
        useEffect(() => {
                const d = ref.current;
                const opener = document.activeElement;
                d.showModal();
                const cancel = (e) => {
                        e.preventDefault();
                        onClose();
                };
                d.addEventListener("cancel", cancel);
                return () => {
                        d.removeEventListener("cancel", cancel);
                        if (d.open) d.close();
                        opener?.focus?.();
                };
        }, []);
        const id = `dlg-${title.replace(/\W+/g, "-").toLowerCase()}`;
        return html`<dialog ref=${ref} aria-labelledby=${id}>
                <h2 id=${id}>${title}</h2>
                ${children}
        </dialog>`;
}

let fieldSeq = 0;
// A labelled form control. type: text, password, number, select, textarea, checkbox.
export function Field({ label, type = "text", value, onInput, options, required, placeholder, autocomplete, name }) {
        const id = useRef(`f${++fieldSeq}`).current;
        let control;
        if (type === "select") {
                control = html`<select id=${id} name=${name} value=${value}
                        onChange=${(e) => onInput(e.target.value)}>
                        ${options.map((o) => html`<option value=${o.value} selected=${o.value === value}>${o.label}</option>`)}
                </select>`;
        } else if (type === "textarea") {
                control = html`<textarea id=${id} name=${name} value=${value} required=${required}
                        placeholder=${placeholder} onInput=${(e) => onInput(e.target.value)}></textarea>`;
        } else if (type === "checkbox") {
                control = html`<input id=${id} name=${name} type="checkbox" checked=${!!value}
                        onChange=${(e) => onInput(e.target.checked)} />`;
        } else {
                control = html`<input id=${id} name=${name} type=${type} value=${value ?? ""} required=${required}
                        placeholder=${placeholder} autocomplete=${autocomplete}
                        onInput=${(e) => onInput(e.target.value)} />`;
        }
        return html`<label for=${id}>${label}</label>${control}`;
}

// Runs an API write; returns [busy, error, run(fn)].
export function useAction() {
        const [busy, setBusy] = useState(false);
        const [error, setError] = useState(null);
        const run = async (fn) => {
                setBusy(true);
                setError(null);
                try {
                        return await fn();
                } catch (e) {
                        setError(api.formatError(e));
                        return undefined;
                } finally {
                        setBusy(false);
                }
        };
        return [busy, error, run];
}

// The log of a task, followed live while it runs.
export function TaskLog({ node, upid }) {
        const [lines, setLines] = useState([]);
        const [status, setStatus] = useState(null);
        useEffect(() => {
                let stopped = false;
                let timer = null;
                const enc = encodeURIComponent(upid);
                const poll = async () => {
                        try {
                                const log = await api.get(`/nodes/${node}/tasks/${enc}/log`, { start: 0, limit: 5000 });
                                const st = await api.get(`/nodes/${node}/tasks/${enc}/status`);
                                if (stopped) return;
                                setLines(log.map((l) => l.t));
                                setStatus(st);
                                if (st.status === "running") timer = setTimeout(poll, 1000);
                        } catch (e) {
                                if (!stopped) setStatus({ status: "unknown", exitstatus: api.formatError(e) });
                        }
                };
                poll();
                return () => {
                        stopped = true;
                        clearTimeout(timer);
                };
        }, [node, upid]);
        const state = !status ? "loading" : status.status === "running" ? "running" : status.exitstatus || "stopped";
        return html`<div>
                <p>Status: <strong>${state}</strong></p>
                <pre aria-label="Task log" tabindex="0">${lines.join("\n")}</pre>
        </div>`;
}

export function TaskDialog({ node, upid, title = "Task log", onClose }) {
        return html`<${Dialog} title=${title} onClose=${onClose}>
                <${TaskLog} node=${node} upid=${upid} />
                <div class="toolbar"><button onClick=${onClose}>Close</button></div>
        <//>`;
}
