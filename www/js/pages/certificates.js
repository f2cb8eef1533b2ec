// Certificates: info, custom upload, ACME accounts, plugins, domains and
// ordering (/nodes/{node}/certificates/..., /cluster/acme/...).
import * as api from "/js/api.js";
import { html, useState, useLoad, useAction, ErrorText, Table, Dialog, Field, TaskDialog, date, fmt, Unavailable }
        from "/js/ui.js";

function readFile(setter) {
        return (e) => {
                const f = e.target.files?.[0];
                if (f) f.text().then(setter);
        };
}

function UploadDialog({ node, onClose, onDone }) {
        const [cert, setCert] = useState("");
        const [key, setKey] = useState("");
        const [busy, error, run] = useAction();
        const submit = async (e) => {
                e.preventDefault();
                const ok = await run(() => api.call("POST", `/nodes/${node}/certificates/custom`,
                        { certificates: cert, key, force: true }));
                if (ok) onDone();
        };
        return html`<${Dialog} title="Upload custom certificate" onClose=${onClose}>
                <form class="form" onSubmit=${submit}>
                        <label for="cert-file">Certificate file</label>
                        <input id="cert-file" type="file" accept=".pem,.crt,.cer" onChange=${readFile(setCert)} />
                        <${Field} label="Certificate chain (PEM)" type="textarea" value=${cert} onInput=${setCert} required
                                placeholder="-----BEGIN CERTIFICATE-----" />
                        <label for="key-file">Key file</label>
                        <input id="key-file" type="file" accept=".pem,.key" onChange=${readFile(setKey)} />
                        <${Field} label="Private key (PEM)" type="textarea" value=${key} onInput=${setKey}
                                placeholder="-----BEGIN PRIVATE KEY-----" />
                        <div class="actions">
                                <button type="button" onClick=${onClose}>Cancel</button>
                                <button class="primary" type="submit" disabled=${busy}>Upload</button>
                        </div>
                </form>
                <${ErrorText} error=${error} />
        <//>`;
}

function CertificateInfo({ node }) {
        const [upload, setUpload] = useState(false);
        const [busy, error, run] = useAction();
        const info = useLoad(() => api.get(`/nodes/${node}/certificates/info`), [node]);
        const columns = [
                { key: "filename", title: "File" },
                { key: "issuer", title: "Issuer" },
                { key: "subject", title: "Subject" },
                { key: "fingerprint", title: "Fingerprint" },
                { title: "Valid since", render: (c) => date(c.notbefore) },
                { title: "Expires", render: (c) => date(c.notafter) },
                { title: "Subject alternative names", render: (c) => fmt(c.san) },
        ];
        const hasCustom = (info.data || []).some((c) => c.filename === "pveproxy-ssl.pem");
        const remove = async () => {
                if (await run(() => api.call("DELETE", `/nodes/${node}/certificates/custom`))) info.reload();
        };
        return html`<section class="panel" aria-labelledby="certs-h">
                <h2 id="certs-h">Certificates</h2>
                <div class="toolbar">
                        <button type="button" onClick=${() => setUpload(true)}>Upload Custom Certificate</button>
                        <button type="button" class="danger" onClick=${remove} disabled=${!hasCustom || busy}>
                                Delete Custom Certificate</button>
                </div>
                <${ErrorText} error=${info.error || error} />
                <${Table} caption="Certificate files" columns=${columns} rows=${info.data} />
                ${upload && html`<${UploadDialog} node=${node} onClose=${() => setUpload(false)}
                        onDone=${() => { setUpload(false); info.reload(); }} />`}
        </section>`;
}

function AcmeAccounts() {
        const [adding, setAdding] = useState(false);
        const [v, setV] = useState({ name: "default", contact: "", directory: "" });
        const [upid, setUpid] = useState(null);
        const [busy, error, run] = useAction();
        const accounts = useLoad(() => api.get("/cluster/acme/account"));
        const dirs = useLoad(() => api.get("/cluster/acme/directories").catch(() => []));
        const submit = async (e) => {
                e.preventDefault();
                const res = await run(() => api.call("POST", "/cluster/acme/account",
                        { name: v.name, contact: v.contact, directory: v.directory || dirs.data?.[0]?.url }));
                if (res) {
                        setAdding(false);
                        setUpid(res.data);
                        accounts.reload();
                }
        };
        return html`<section class="panel" aria-labelledby="acct-h">
                <h2 id="acct-h">ACME accounts</h2>
                <div class="toolbar"><button type="button" onClick=${() => setAdding(true)}>Add ACME Account</button></div>
                <${ErrorText} error=${accounts.error} />
                <${Table} caption="Registered accounts" columns=${[{ key: "name", title: "Name" }]} rows=${accounts.data} />
                ${adding && html`<${Dialog} title="Register ACME account" onClose=${() => setAdding(false)}>
                        <form class="form" onSubmit=${submit}>
                                <${Field} label="Account name" value=${v.name} onInput=${(x) => setV({ ...v, name: x })} required />
                                <${Field} label="E-mail" type="email" value=${v.contact} onInput=${(x) => setV({ ...v, contact: x })} required />
                                <${Field} label="ACME directory URL" value=${v.directory} onInput=${(x) => setV({ ...v, directory: x })}
                                        placeholder=${dirs.data?.[0]?.url || "https://acme-v02.api.letsencrypt.org/directory"} />
                                <div class="actions"><button type="button" onClick=${() => setAdding(false)}>Cancel</button>
                                <button class="primary" type="submit" disabled=${busy}>Register</button></div>
                        </form>
                        <${ErrorText} error=${error} />
                <//>`}
                ${upid && html`<${TaskDialog} node=${upid.split(":")[1]} upid=${upid} title="Task log: ACME account"
                        onClose=${() => setUpid(null)} />`}
        </section>`;
}

function AcmePlugins() {
        const [adding, setAdding] = useState(false);
        const [v, setV] = useState({ id: "", type: "standalone", api: "", data: "" });
        const [busy, error, run] = useAction();
        const plugins = useLoad(() => api.get("/cluster/acme/plugins"));
        const submit = async (e) => {
                e.preventDefault();
                const p = { id: v.id, type: v.type };
                if (v.type === "dns") Object.assign(p, { api: v.api, data: btoa(v.data) });
                if (await run(() => api.call("POST", "/cluster/acme/plugins", p))) {
                        setAdding(false);
                        plugins.reload();
                }
        };
        const remove = async (id) => {
                if (await run(() => api.call("DELETE", `/cluster/acme/plugins/${id}`))) plugins.reload();
        };
        return html`<section class="panel" aria-labelledby="plugins-h">
                <h2 id="plugins-h">Challenge plugins</h2>
                <div class="toolbar"><button type="button" onClick=${() => setAdding(true)}>Add Plugin</button></div>
                <${ErrorText} error=${plugins.error || error} />
                <${Table} caption="ACME challenge plugins" rows=${plugins.data} columns=${[
                        { key: "plugin", title: "Plugin" }, { key: "type", title: "Type" }, { key: "api", title: "API" },
                        { title: "Actions", render: (p) => html`<button type="button" class="danger"
                                aria-label=${`Remove plugin ${p.plugin}`} onClick=${() => remove(p.plugin)}>Remove</button>` }]} />
                ${adding && html`<${Dialog} title="Add ACME plugin" onClose=${() => setAdding(false)}>
                        <form class="form" onSubmit=${submit}>
                                <${Field} label="Plugin ID" value=${v.id} onInput=${(x) => setV({ ...v, id: x })} required />
                                <${Field} label="Challenge type" type="select" value=${v.type} onInput=${(x) => setV({ ...v, type: x })}
                                        options=${[{ value: "standalone", label: "HTTP (standalone)" }, { value: "dns", label: "DNS" }]} />
                                ${v.type === "dns" && html`
                                        <${Field} label="DNS API" value=${v.api} onInput=${(x) => setV({ ...v, api: x })} required />
                                        <${Field} label="API data" type="textarea" value=${v.data} onInput=${(x) => setV({ ...v, data: x })} />`}
                                <div class="actions"><button type="button" onClick=${() => setAdding(false)}>Cancel</button>
                                <button class="primary" type="submit" disabled=${busy}>Add</button></div>
                        </form>
                <//>`}
        </section>`;
}

function AcmeDomains({ node }) {
        const [v, setV] = useState({ domain: "", plugin: "" });
        const [upid, setUpid] = useState(null);
        const [busy, error, run] = useAction();
        const cfg = useLoad(() => api.get(`/nodes/${node}/config`), [node]);
        const domains = Object.entries(cfg.data || {}).filter(([k]) => /^acmedomain\d+$/.test(k))
                .map(([key, val]) => ({ key, ...Object.fromEntries(val.split(",").map((kv) =>
                        kv.includes("=") ? kv.split("=") : ["domain", kv])) }));
        const add = async (e) => {
                e.preventDefault();
                const used = new Set(domains.map((d) => d.key));
                let i = 0;
                while (used.has(`acmedomain${i}`)) i++;
                const value = `domain=${v.domain}${v.plugin ? `,plugin=${v.plugin}` : ""}`;
                if (await run(() => api.call("PUT", `/nodes/${node}/config`, { [`acmedomain${i}`]: value }))) {
                        setV({ domain: "", plugin: "" });
                        cfg.reload();
                }
        };
        const remove = async (key) => {
                if (await run(() => api.call("PUT", `/nodes/${node}/config`, { delete: key }))) cfg.reload();
        };
        const order = async () => {
                const res = await run(() => api.call("POST", `/nodes/${node}/certificates/acme/certificate`, { force: true }));
                if (res) setUpid(res.data);
        };
        return html`<section class="panel" aria-labelledby="domains-h">
                <h2 id="domains-h">ACME domains</h2>
                <${ErrorText} error=${cfg.error || error} />
                <${Table} caption="Domains of this node" rows=${domains} columns=${[
                        { key: "domain", title: "Domain" }, { key: "plugin", title: "Plugin" },
                        { title: "Actions", render: (d) => html`<button type="button" class="danger"
                                aria-label=${`Remove domain ${d.domain}`} onClick=${() => remove(d.key)}>Remove</button>` }]} />
                <form class="form" onSubmit=${add} aria-label="Add ACME domain">
                        <${Field} label="Domain" value=${v.domain} onInput=${(x) => setV({ ...v, domain: x })} required />
                        <${Field} label="Plugin (empty: HTTP standalone)" value=${v.plugin} onInput=${(x) => setV({ ...v, plugin: x })} />
                        <div class="actions"><button type="submit" disabled=${busy}>Add Domain</button>
                        <button type="button" class="primary" onClick=${order} disabled=${busy || !domains.length}>Order Certificates Now</button></div>
                </form>
                ${upid && html`<${TaskDialog} node=${node} upid=${upid} title="Task log: ACME order" onClose=${() => setUpid(null)} />`}
        </section>`;
}

export function Certificates({ node }) {
        const avail = useLoad(async () => ({
                certs: await api.has(`/nodes/${node}`, "certificates"),
                acme: (await api.has("/", "cluster")) && (await api.has("/cluster", "acme")),
        }), [node]);
        if (avail.loading) return html`<h1>Certificates</h1>`;
        return html`<h1>Certificates</h1>
                ${avail.data?.certs ? html`<${CertificateInfo} node=${node} />` : html`<${Unavailable} what="Certificate management" />`}
                ${avail.data?.acme ? html`<${AcmeAccounts} /><${AcmePlugins} /><${AcmeDomains} node=${node} />`
                                   : html`<${Unavailable} what="ACME" />`}`;
}
