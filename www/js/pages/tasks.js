// Task list with live logs (GET /nodes/{node}/tasks, /tasks/{upid}/log, /status).
import * as api from "/js/api.js";
import { html, useState, useLoad, ErrorText, Table, TaskDialog, date, Unavailable } from "/js/ui.js";

export function Tasks({ node }) {
        const [open, setOpen] = useState(null);
        const tasks = useLoad(async () => (await api.has(`/nodes/${node}`, "tasks"))
                ? api.get(`/nodes/${node}/tasks`, { limit: 50 }) : null, [node], 5000);
        if (tasks.loading) return html`<h1>Tasks</h1>`;
        if (tasks.data === null && !tasks.error) return html`<h1>Tasks</h1><${Unavailable} what="The task list" />`;
        const columns = [
                { title: "Start time", render: (t) => date(t.starttime) },
                { title: "End time", render: (t) => date(t.endtime) },
                { key: "type", title: "Type" },
                { key: "id", title: "ID" },
                { key: "user", title: "User name" },
                { title: "Status", render: (t) => t.status || (t.endtime ? "" : "running") },
                { title: "Log", render: (t) => html`<button type="button" onClick=${() => setOpen(t)}
                        aria-label=${`Show log of ${t.type} ${t.id || ""} started ${date(t.starttime)}`}>Show log</button>` },
        ];
        return html`<h1>Tasks</h1>
                <${ErrorText} error=${tasks.error} />
                <section class="panel"><${Table} caption="Recent tasks" columns=${columns} rows=${tasks.data} /></section>
                ${open && html`<${TaskDialog} node=${node} upid=${open.upid} title=${`Task log: ${open.type}`}
                        onClose=${() => setOpen(null)} />`}`;
}
