// External metric servers (/cluster/metrics/server).
import * as api from "/js/api.js";
import { html, useState, useLoad, useAction, ErrorText, Table, Dialog, Field, fmt, Unavailable } from "/js/ui.js";

function ServerDialog({ onClose, onDone }) {
        const [v, setV] = useState({ id: "", type: "graphite", server: "", port: "2003", disable: false });
        const [busy, error, run] = useAction();
        const set = (k) => (x) => setV({ ...v, [k]: x });
        const submit = async (e) => {
                e.preventDefault();
                const { id, ...p } = v;
                if (await run(() => api.call("POST", `/cluster/metrics/server/${encodeURIComponent(id)}`, p))) onDone();
        };
        return html`<${Dialog} title="Add metric server" onClose=${onClose}>
                <form class="form" onSubmit=${submit}>
                        <${Field} label="Name" value=${v.id} onInput=${set("id")} required />
                        <${Field} label="Type" type="select" value=${v.type}
                                onInput=${(x) => setV({ ...v, type: x, port: x === "graphite" ? "2003" : "8089" })}
                                options=${[{ value: "graphite", label: "Graphite" }, { value: "influxdb", label: "InfluxDB" }]} />
                        <${Field} label="Server" value=${v.server} onInput=${set("server")} required />
                        <${Field} label="Port" type="number" value=${v.port} onInput=${set("port")} required />
                        <${Field} label="Disabled" type="checkbox" value=${v.disable} onInput=${set("disable")} />
                        <div class="actions"><button type="button" onClick=${onClose}>Cancel</button>
                        <button class="primary" type="submit" disabled=${busy}>Add</button></div>
                </form>
                <${ErrorText} error=${error} />
        <//>`;
}

export function MetricServers() {
        const [adding, setAdding] = useState(false);
        const [busy, error, run] = useAction();
        const list = useLoad(async () => ((await api.has("/", "cluster")) && (await api.has("/cluster", "metrics"))
                ? api.get("/cluster/metrics/server") : null));
        if (list.loading) return html`<h1>Metric Server</h1>`;
        if (list.data === null && !list.error) return html`<h1>Metric Server</h1><${Unavailable} what="Metric server configuration" />`;
        const remove = async (id) => {
                if (await run(() => api.call("DELETE", `/cluster/metrics/server/${encodeURIComponent(id)}`))) list.reload();
        };
        return html`<h1>Metric Server</h1>
                <div class="toolbar"><button type="button" onClick=${() => setAdding(true)}>Add</button></div>
                <${ErrorText} error=${list.error || error} />
                <section class="panel"><${Table} caption="External metric servers" rows=${list.data} columns=${[
                        { key: "id", title: "Name" }, { key: "type", title: "Type" }, { key: "server", title: "Server" },
                        { key: "port", title: "Port" }, { title: "Enabled", render: (s) => fmt(!s.disable) },
                        { title: "Actions", render: (s) => html`<button type="button" class="danger" disabled=${busy}
                                aria-label=${`Remove ${s.id}`} onClick=${() => remove(s.id)}>Remove</button>` }]} /></section>
                ${adding && html`<${ServerDialog} onClose=${() => setAdding(false)}
                        onDone=${() => { setAdding(false); list.reload(); }} />`}`;
}
