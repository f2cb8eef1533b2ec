// Node summary: live status and RRD graphs (GET /nodes/{node}/status, /rrddata).
import uPlot from "/vendor/uPlot.esm.js";
import * as api from "/js/api.js";
import { html, useEffect, useRef, useLoad, ErrorText, bytes, Unavailable } from "/js/ui.js";

function duration(s) {
        if (!s) return "";
        const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
        return `${d ? `${d} days ` : ""}${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

function Status({ node }) {
        const st = useLoad(() => api.get(`/nodes/${node}/status`), [node], 3000);
        const s = st.data;
        return html`<section class="panel" aria-labelledby="status-h">
                <h2 id="status-h">Status</h2>
                <${ErrorText} error=${st.error} />
                ${s && html`<dl class="stats">
                        <div><dt>CPU usage</dt><dd>${(100 * (s.cpu || 0)).toFixed(1)} % of ${s.cpuinfo?.cpus || "?"} CPUs</dd></div>
                        <div><dt>Load average</dt><dd>${(s.loadavg || []).join(", ")}</dd></div>
                        <div><dt>Memory usage</dt><dd>${bytes(s.memory?.used)} of ${bytes(s.memory?.total)}</dd></div>
                        <div><dt>Root filesystem</dt><dd>${bytes(s.rootfs?.used)} of ${bytes(s.rootfs?.total)}</dd></div>
                        <div><dt>Uptime</dt><dd>${duration(s.uptime)}</dd></div>
                        <div><dt>CPU model</dt><dd>${s.cpuinfo?.model || ""}</dd></div>
                        <div><dt>Kernel version</dt><dd>${s.kversion || ""}</dd></div>
                        <div><dt>Manager version</dt><dd>${s.pveversion || ""}</dd></div>
                </dl>`}
        </section>`;
}

function Chart({ title, rows, series }) {
        const box = useRef(null);
        useEffect(() => {
                if (!rows?.length) return undefined;
                const styles = getComputedStyle(document.documentElement);
                const axis = { stroke: styles.getPropertyValue("--muted"), grid: { stroke: styles.getPropertyValue("--border") } };
                const colors = ["#e57000", "#1a73e8", "#2e7d32", "#8e24aa"];
                const data = [rows.map((r) => r.time), ...series.map((s) => rows.map((r) => s.value(r) ?? null))];
                const plot = new uPlot({
                        width: Math.max(320, box.current.clientWidth || 420), height: 200,
                        axes: [axis, { ...axis, size: 60 }],
                        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: colors[i], width: 1.5 }))],
                }, data, box.current);
                return () => plot.destroy();
        }, [rows]);
        return html`<figure aria-label=${title} style="margin:0">
                <figcaption><strong>${title}</strong></figcaption>
                <div ref=${box}></div>
        </figure>`;
}

function Graphs({ node }) {
        const rrd = useLoad(async () => (await api.has(`/nodes/${node}`, "rrddata"))
                ? api.get(`/nodes/${node}/rrddata`, { timeframe: "hour", cf: "AVERAGE" }) : null, [node], 60000);
        if (rrd.loading) return null;
        if (rrd.data === null && !rrd.error) return html`<${Unavailable} what="Performance history" />`;
        const rows = (rrd.data || []).filter((r) => r.time);
        return html`<section class="panel" aria-labelledby="graphs-h">
                <h2 id="graphs-h">Performance (last hour)</h2>
                <${ErrorText} error=${rrd.error} />
                ${rows.length === 0 ? html`<p class="notice">No data collected yet (pvestatd writes it every 10 seconds).</p>`
                : html`<div class="charts">
                        <${Chart} title="CPU usage" rows=${rows} series=${[
                                { label: "CPU %", value: (r) => (r.cpu ?? null) === null ? null : 100 * r.cpu },
                                { label: "IO delay %", value: (r) => (r.iowait ?? null) === null ? null : 100 * r.iowait }]} />
                        <${Chart} title="Server load" rows=${rows} series=${[{ label: "Load average", value: (r) => r.loadavg }]} />
                        <${Chart} title="Memory usage" rows=${rows} series=${[
                                { label: "Total (MiB)", value: (r) => r.memtotal && r.memtotal / 1048576 },
                                { label: "Used (MiB)", value: (r) => r.memused && r.memused / 1048576 }]} />
                        <${Chart} title="Network traffic" rows=${rows} series=${[
                                { label: "In (B/s)", value: (r) => r.netin }, { label: "Out (B/s)", value: (r) => r.netout }]} />
                </div>`}
        </section>`;
}

export function Summary({ node }) {
        return html`<h1>Node ${node}: Summary</h1>
                <${Status} node=${node} />
                <${Graphs} node=${node} />`;
}
