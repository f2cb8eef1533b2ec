// Boot: ESPs synchronized by proxmox-boot-tool, kernels, pinning (/nodes/{node}/boot).
import * as api from "/js/api.js";
import { html, useState, useLoad, useAction, ErrorText, Table, Field, bytes, fmt, Unavailable } from "/js/ui.js";

export function Boot({ node }) {
        const [version, setVersion] = useState("");
        const [nextOnly, setNextOnly] = useState(false);
        const [busy, error, run] = useAction();
        const st = useLoad(async () => (await api.has(`/nodes/${node}`, "boot")) ? api.get(`/nodes/${node}/boot`) : null, [node]);
        if (st.loading) return html`<h1>Boot</h1>`;
        if (st.data === null && !st.error) return html`<h1>Boot</h1><${Unavailable} what="Boot management" />`;
        const s = st.data || {};
        const kernels = [...new Set([...(s.kernels?.manual || []), ...(s.kernels?.automatic || [])])].sort();
        const pin = async (e) => {
                e.preventDefault();
                if (await run(() => api.call("POST", `/nodes/${node}/boot/pin`, { version: version || kernels[0], "next-boot": nextOnly }))) st.reload();
        };
        const unpin = async () => {
                if (await run(() => api.call("DELETE", `/nodes/${node}/boot/pin`))) st.reload();
        };
        return html`<h1>Boot</h1>
                <${ErrorText} error=${st.error || error} />
                <section class="panel" aria-labelledby="boot-h">
                        <h2 id="boot-h">Boot mode</h2>
                        <dl class="stats">
                                <div><dt>Firmware</dt><dd>${s.mode || ""}</dd></div>
                                <div><dt>Secure Boot</dt><dd>${fmt(!!s.secureboot)}</dd></div>
                                <div><dt>ESPs configured</dt><dd>${fmt(!!s.configured)}</dd></div>
                        </dl>
                        ${s["sync-error"] && html`<p class="error">${s["sync-error"]}</p>`}
                </section>
                <section class="panel">
                        <${Table} caption="EFI system partitions" rows=${s.esps} empty="No ESP is configured." columns=${[
                                { key: "uuid", title: "UUID" }, { title: "Present", render: (e) => fmt(!!e.present) },
                                { key: "device", title: "Device" }, { key: "sync-mode", title: "Boot loader" },
                                { title: "Modes", render: (e) => fmt(e.modes) }, { title: "Free", render: (e) => bytes(e.free) }]} />
                </section>
                <section class="panel" aria-labelledby="kernels-h">
                        <h2 id="kernels-h">Kernels</h2>
                        <${Table} caption="Kernels kept on the ESPs" rows=${kernels.map((k) => ({ version: k,
                                source: (s.kernels?.manual || []).includes(k) ? "manual" : "automatic",
                                pinned: k === s.kernels?.pinned ? "default" : k === s.kernels?.["next-boot"] ? "next boot" : "" }))}
                                columns=${[{ key: "version", title: "Version" }, { key: "source", title: "Selected" },
                                           { key: "pinned", title: "Pinned" }]} />
                        <form class="form" onSubmit=${pin} aria-label="Pin kernel">
                                <${Field} label="Kernel" type="select" value=${version || kernels[0] || ""} onInput=${setVersion}
                                        options=${kernels.map((k) => ({ value: k, label: k }))} />
                                <${Field} label="Next boot only" type="checkbox" value=${nextOnly} onInput=${setNextOnly} />
                                <div class="actions">
                                        <button type="button" onClick=${unpin} disabled=${busy || !(s.kernels?.pinned || s.kernels?.["next-boot"])}>Unpin</button>
                                        <button class="primary" type="submit" disabled=${busy || !kernels.length}>Pin</button>
                                </div>
                        </form>
                </section>`;
}
