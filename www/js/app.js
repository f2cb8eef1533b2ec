// The application shell: login, navigation tree, hash routing, theme.
import { html, render } from "/vendor/preact-htm.js";
import * as api from "/js/api.js";
import { Field, ErrorText, useAction, useEffect, useLoad, useState } from "/js/ui.js";
import { Summary } from "/js/pages/summary.js";
import { Network } from "/js/pages/network.js";
import { Certificates } from "/js/pages/certificates.js";
import { Boot } from "/js/pages/boot.js";
import { Tasks } from "/js/pages/tasks.js";
import { MetricServers } from "/js/pages/metrics.js";

const NODE_PAGES = [
        { id: "summary", title: "Summary", component: Summary },
        { id: "network", title: "Network", component: Network },
        { id: "certificates", title: "Certificates", component: Certificates },
        { id: "boot", title: "Boot", component: Boot },
        { id: "tasks", title: "Tasks", component: Tasks },
];

function applyTheme(theme) {
        document.documentElement.dataset.theme = theme;
        localStorage.setItem("pve-theme", theme);
}

function initialTheme() {
        return localStorage.getItem("pve-theme") ||
                (window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
}

function ThemeToggle() {
        const [theme, setTheme] = useState(initialTheme());
        const toggle = () => {
                const next = theme === "dark" ? "light" : "dark";
                applyTheme(next);
                setTheme(next);
        };
        return html`<button type="button" aria-pressed=${theme === "dark"} onClick=${toggle}>Dark theme</button>`;
}

function Login({ onLogin }) {
        const [username, setUsername] = useState("");
        const [password, setPassword] = useState("");
        const [realm, setRealm] = useState("pam");
        const realms = useLoad(() => api.get("/access/domains"));
        const [busy, error, run] = useAction();
        const options = (realms.data || [{ realm: "pam" }, { realm: "pve" }])
                .map((r) => ({ value: r.realm, label: r.comment ? `${r.comment} (${r.realm})` : r.realm }));

        const submit = async (e) => {
                e.preventDefault();
                const name = username.includes("@") ? username : `${username}@${realm}`;
                if (await run(() => api.login(name, password))) onLogin();
        };
        return html`<main class="login">
                <h1>pvehost login</h1>
                <form class="form" onSubmit=${submit} aria-label="Login">
                        <${Field} label="User name" name="username" value=${username} onInput=${setUsername}
                                autocomplete="username" required />
                        <${Field} label="Password" name="password" type="password" value=${password}
                                onInput=${setPassword} autocomplete="current-password" required />
                        <${Field} label="Realm" name="realm" type="select" value=${realm} onInput=${setRealm}
                                options=${options} />
                        <div class="actions"><button class="primary" type="submit" disabled=${busy}>Login</button></div>
                </form>
                <${ErrorText} error=${error && "Login failed. Please try again."} />
        </main>`;
}

function parseRoute() {
        const m = location.hash.match(/^#\/(node|datacenter)\/([\w-]+)/);
        return m ? { area: m[1], page: m[2] } : { area: "node", page: "summary" };
}

function Shell({ onLogout }) {
        const [route, setRoute] = useState(parseRoute());
        const nodes = useLoad(() => api.get("/nodes"));
        useEffect(() => {
                const f = () => setRoute(parseRoute());
                window.addEventListener("hashchange", f);
                const renew = setInterval(() => api.renewTicket().catch(() => {}), 60 * 1000);
                return () => {
                        window.removeEventListener("hashchange", f);
                        clearInterval(renew);
                };
        }, []);
        const node = nodes.data?.[0]?.node;
        const page = route.area === "datacenter" ? { title: "Metric Server", component: MetricServers }
                : NODE_PAGES.find((p) => p.id === route.page) || NODE_PAGES[0];
        const current = (area, id) => (route.area === area && (route.page === id || (!route.page && id === "summary"))
                ? "page" : undefined);

        return html`<a class="skip" href="#content">Skip to content</a>
        <header class="top">
                <span class="brand">pvehost</span>
                <span>Node <strong data-testid="node-name">${node || ""}</strong></span>
                <span class="spacer"></span>
                <span>${api.currentUser()}</span>
                <${ThemeToggle} />
                <button type="button" onClick=${() => { api.logout(); onLogout(); }}>Logout</button>
        </header>
        <div class="layout">
                <nav class="tree" aria-label="Resources">
                        <h2 id="nav-dc">Datacenter</h2>
                        <ul aria-labelledby="nav-dc">
                                <li><a href="#/datacenter/metrics" aria-current=${current("datacenter", "metrics")}>Metric Server</a></li>
                        </ul>
                        <h2 id="nav-node">Node ${node || ""}</h2>
                        <ul aria-labelledby="nav-node">
                                ${NODE_PAGES.map((p) => html`<li><a href=${`#/node/${p.id}`}
                                        aria-current=${current("node", p.id)}>${p.title}</a></li>`)}
                        </ul>
                </nav>
                <main id="content" tabindex="-1">
                        <${ErrorText} error=${nodes.error} />
                        ${node && html`<${page.component} node=${node} key=${page.title} />`}
                </main>
        </div>`;
}

function App() {
        const [authed, setAuthed] = useState(api.loggedIn());
        useEffect(() => {
                const f = () => setAuthed(false);
                window.addEventListener("pve-logout", f);
                return () => window.removeEventListener("pve-logout", f);
        }, []);
        return authed ? html`<${Shell} onLogout=${() => setAuthed(false)} />`
                : html`<${Login} onLogin=${() => setAuthed(true)} />`;
}

applyTheme(initialTheme());
render(html`<${App} />`, document.getElementById("app"));
