// Network: interfaces, create/edit/delete, pending changes, apply with a
// confirm countdown (rollback unless confirmed) and revert
// (/nodes/{node}/network, .../network/{iface}, .../network/confirm).
import * as api from "/js/api.js";
import { html, useEffect, useState, useLoad, useAction, ErrorText, Table, Dialog, Field, TaskDialog, fmt, Unavailable }
        from "/js/ui.js";

const ROLLBACK_SECONDS = 30;
const TYPES = [
        { value: "bridge", label: "Linux Bridge" },
        { value: "bond", label: "Linux Bond" },
        { value: "vlan", label: "Linux VLAN" },
];
const BOND_MODES = ["balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb"]
        .map((m) => ({ value: m, label: m }));

function InterfaceDialog({ node, iface, onDone, onClose }) {
        const editing = !!iface;
        const [v, setV] = useState(() => ({
                type: iface?.type || "bridge", iface: iface?.iface || "", cidr: iface?.cidr || "",
                gateway: iface?.gateway || "", cidr6: iface?.cidr6 || "", gateway6: iface?.gateway6 || "",
                autostart: iface ? !!iface.autostart : true, bridge_ports: iface?.bridge_ports || "",
                bridge_vlan_aware: !!iface?.bridge_vlan_aware, slaves: iface?.slaves || "",
                bond_mode: iface?.bond_mode || "balance-rr", "vlan-raw-device": iface?.["vlan-raw-device"] || "",
                "vlan-id": iface?.["vlan-id"] || "", mtu: iface?.mtu || "", comments: iface?.comments?.trim() || "",
        }));
        const [busy, error, run] = useAction();
        const set = (k) => (x) => setV({ ...v, [k]: x });
        const submit = async (e) => {
                e.preventDefault();
                const p = { type: v.type, autostart: v.autostart, cidr: v.cidr, gateway: v.gateway, cidr6: v.cidr6,
                            gateway6: v.gateway6, mtu: v.mtu, comments: v.comments };
                if (v.type === "bridge") Object.assign(p, { bridge_ports: v.bridge_ports, bridge_vlan_aware: v.bridge_vlan_aware });
                if (v.type === "bond") Object.assign(p, { slaves: v.slaves, bond_mode: v.bond_mode });
                if (v.type === "vlan") Object.assign(p, { "vlan-raw-device": v["vlan-raw-device"], "vlan-id": v["vlan-id"] });
                if (editing) {
                        const cleared = ["cidr", "gateway", "cidr6", "gateway6", "mtu", "comments", "bridge_ports", "slaves"]
                                .filter((k) => k in p && p[k] === "" && iface[k]);
                        if (cleared.length) p.delete = cleared.join(",");
                }
                const ok = await run(() => editing
                        ? api.call("PUT", `/nodes/${node}/network/${iface.iface}`, p)
                        : api.call("POST", `/nodes/${node}/network`, { ...p, iface: v.iface }));
                if (ok) onDone();
        };
        return html`<${Dialog} title=${editing ? `Edit: ${iface.iface}` : "Create network interface"} onClose=${onClose}>
                <form class="form" onSubmit=${submit}>
                        ${!editing && html`<${Field} label="Type" type="select" value=${v.type} onInput=${set("type")}
                                options=${TYPES} />`}
                        ${!editing && html`<${Field} label="Name" value=${v.iface} onInput=${set("iface")} required
                                placeholder=${v.type === "bridge" ? "vmbr1" : v.type === "bond" ? "bond0" : "vmbr0.100"} />`}
                        <${Field} label="IPv4/CIDR" value=${v.cidr} onInput=${set("cidr")} placeholder="192.0.2.10/24" />
                        <${Field} label="Gateway (IPv4)" value=${v.gateway} onInput=${set("gateway")} />
                        <${Field} label="IPv6/CIDR" value=${v.cidr6} onInput=${set("cidr6")} />
                        <${Field} label="Gateway (IPv6)" value=${v.gateway6} onInput=${set("gateway6")} />
                        <${Field} label="Autostart" type="checkbox" value=${v.autostart} onInput=${set("autostart")} />
                        ${v.type === "bridge" && html`
                                <${Field} label="Bridge ports" value=${v.bridge_ports} onInput=${set("bridge_ports")} />
                                <${Field} label="VLAN aware" type="checkbox" value=${v.bridge_vlan_aware}
                                        onInput=${set("bridge_vlan_aware")} />`}
                        ${v.type === "bond" && html`
                                <${Field} label="Slaves" value=${v.slaves} onInput=${set("slaves")} />
                                <${Field} label="Mode" type="select" value=${v.bond_mode} onInput=${set("bond_mode")}
                                        options=${BOND_MODES} />`}
                        ${v.type === "vlan" && html`
                                <${Field} label="VLAN raw device" value=${v["vlan-raw-device"]} onInput=${set("vlan-raw-device")} />
                                <${Field} label="VLAN tag" type="number" value=${v["vlan-id"]} onInput=${set("vlan-id")} />`}
                        <${Field} label="MTU" type="number" value=${v.mtu} onInput=${set("mtu")} />
                        <${Field} label="Comment" value=${v.comments} onInput=${set("comments")} />
                        <div class="actions">
                                <button type="button" onClick=${onClose}>Cancel</button>
                                <button class="primary" type="submit" disabled=${busy}>${editing ? "OK" : "Create"}</button>
                        </div>
                </form>
                <${ErrorText} error=${error} />
        <//>`;
}

// Apply, then count down: unless "Keep configuration" is pressed in time, the node rolls back by itself.
function ApplyDialog({ node, onClose, onApplied }) {
        const [phase, setPhase] = useState("ask");
        const [left, setLeft] = useState(ROLLBACK_SECONDS);
        const [upid, setUpid] = useState(null);
        const [showLog, setShowLog] = useState(false);
        const [busy, error, run] = useAction();
        useEffect(() => {
                if (phase !== "confirm") return undefined;
                if (left <= 0) {
                        setPhase("rolledback");
                        onApplied();
                        return undefined;
                }
                const t = setTimeout(() => setLeft(left - 1), 1000);
                return () => clearTimeout(t);
        }, [phase, left]);

        const apply = async () => {
                const res = await run(() => api.call("PUT", `/nodes/${node}/network`, { "rollback-timeout": ROLLBACK_SECONDS }));
                if (!res) return;
                setUpid(res.data);
                setPhase("confirm");
        };
        const keep = async () => {
                if (await run(() => api.call("POST", `/nodes/${node}/network/confirm`))) {
                        setPhase("kept");
                        onApplied();
                }
        };
        return html`<${Dialog} title="Apply network configuration" onClose=${onClose}>
                ${phase === "ask" && html`<p>Apply the pending changes to the running system? If the change cuts you
                        off, it is rolled back automatically after ${ROLLBACK_SECONDS} seconds unless you confirm it.</p>
                        <div class="toolbar"><button type="button" onClick=${onClose}>Cancel</button>
                        <button class="primary" type="button" onClick=${apply} disabled=${busy}>Apply</button></div>`}
                ${phase === "confirm" && html`<p>The new configuration is being applied (see the task log). Keep it?</p>
                        <p role="timer" aria-live="polite">Rolling back in <span class="countdown">${left}</span> seconds.</p>
                        <div class="toolbar"><button class="primary" type="button" onClick=${keep} disabled=${busy}>Keep configuration</button>
                        <button type="button" onClick=${() => setShowLog(true)}>Show task log</button></div>`}
                ${phase === "kept" && html`<p class="ok" role="status">Network configuration applied and kept.</p>
                        <div class="toolbar"><button type="button" onClick=${() => setShowLog(true)}>Show task log</button>
                        <button class="primary" type="button" onClick=${onClose}>Close</button></div>`}
                ${phase === "rolledback" && html`<p class="error" role="status">Not confirmed in time: the previous
                        configuration was restored.</p><div class="toolbar">
                        <button type="button" onClick=${() => setShowLog(true)}>Show task log</button>
                        <button type="button" onClick=${onClose}>Close</button></div>`}
                <${ErrorText} error=${error} />
                ${showLog && upid && html`<${TaskDialog} node=${node} upid=${upid} title="Task log: network apply"
                        onClose=${() => setShowLog(false)} />`}
        <//>`;
}

export function Network({ node }) {
        const [dialog, setDialog] = useState(null);
        const [busy, error, run] = useAction();
        const list = useLoad(async () => (await api.has(`/nodes/${node}`, "network"))
                ? api.call("GET", `/nodes/${node}/network`) : null, [node]);
        if (list.loading) return html`<h1>Network</h1>`;
        if (list.data === null && !list.error) return html`<h1>Network</h1><${Unavailable} what="Network configuration" />`;
        const rows = (list.data?.data || []).slice().sort((a, b) => a.iface.localeCompare(b.iface));
        const changes = list.data?.attrs?.changes;
        const remove = async (iface) => {
                if (await run(() => api.call("DELETE", `/nodes/${node}/network/${iface}`))) list.reload();
        };
        const revert = async () => {
                if (await run(() => api.call("DELETE", `/nodes/${node}/network`))) list.reload();
        };
        const columns = [
                { key: "iface", title: "Name" },
                { key: "type", title: "Type" },
                { title: "Active", render: (r) => fmt(!!r.active) },
                { title: "Autostart", render: (r) => fmt(!!r.autostart) },
                { title: "VLAN aware", render: (r) => fmt(!!r.bridge_vlan_aware) },
                { title: "Ports/Slaves", render: (r) => r.bridge_ports || r.slaves || "" },
                { key: "cidr", title: "CIDR" },
                { key: "gateway", title: "Gateway" },
                { title: "Comment", render: (r) => (r.comments || "").trim() },
                { title: "Actions", render: (r) => html`<span class="toolbar">
                        <button type="button" aria-label=${`Edit ${r.iface}`} onClick=${() => setDialog({ edit: r })}>Edit</button>
                        <button type="button" class="danger" aria-label=${`Remove ${r.iface}`}
                                onClick=${() => remove(r.iface)} disabled=${busy}>Remove</button></span>` },
        ];
        return html`<h1>Network</h1>
                <div class="toolbar" role="toolbar" aria-label="Network actions">
                        <button type="button" onClick=${() => setDialog({ create: true })}>Create</button>
                        <button type="button" onClick=${revert} disabled=${!changes || busy}>Revert</button>
                        <button type="button" class="primary" onClick=${() => setDialog({ apply: true })}
                                disabled=${!changes}>Apply Configuration</button>
                </div>
                <${ErrorText} error=${list.error || error} />
                <section class="panel"><${Table} caption="Network interfaces" columns=${columns} rows=${rows} /></section>
                <section class="panel" aria-labelledby="pending-h">
                        <h2 id="pending-h">Pending changes</h2>
                        ${changes ? html`<pre aria-label="Pending changes diff" tabindex="0">${changes}</pre>`
                                  : html`<p class="notice">No pending changes.</p>`}
                </section>
                ${dialog?.create && html`<${InterfaceDialog} node=${node} onClose=${() => setDialog(null)}
                        onDone=${() => { setDialog(null); list.reload(); }} />`}
                ${dialog?.edit && html`<${InterfaceDialog} node=${node} iface=${dialog.edit} onClose=${() => setDialog(null)}
                        onDone=${() => { setDialog(null); list.reload(); }} />`}
                ${dialog?.apply && html`<${ApplyDialog} node=${node} onClose=${() => setDialog(null)}
                        onApplied=${() => list.reload()} />`}`;
}
