// Web UI end to end: a real pveproxy on loopback, Debian's chromium
// (headless, through playwright-core), every page visited through the
// navigation as a user would. Any console error, page error, failed request
// or HTTP error answer fails the test. Screenshots go to
// $PVEHOST_UI_ARTIFACTS (build/ui-artifacts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { chromium } from "playwright-core";

const bin = process.env.PVEHOST_BIN;
const artifacts = process.env.PVEHOST_UI_ARTIFACTS || join(process.env.PVEHOST_SRC || ".", "build", "ui-artifacts");
const node = "pve1";
const password = "ui-admin-pass1";
const root = mkdtempSync(join(tmpdir(), "pvehost-ui-"));
const env = { ...process.env, PVE_ROOT: root, PVE_NODENAME: node, PVE_LOG_LEVEL: "warning" };
let proxy, browser, base;
const problems = [];

// Commands of the server side run in pveproxy's network namespace.
const serverNetns = process.env.PVEHOST_UI_SERVER_NETNS;
const serverAddr = process.env.PVEHOST_UI_SERVER_ADDR ?? "127.0.0.1";

function onServer(cmd, args) {
        return serverNetns ? ["ip", ["netns", "exec", serverNetns, cmd, ...args]] : [cmd, args];
}

function pvesh(...args) {
        return execFileSync(...onServer(join(bin, "pvesh"), args), { env, encoding: "utf8" });
}

async function freePort() {
        return new Promise((resolve) => {
                const s = net.createServer().listen(0, () => {
                        const { port } = s.address();
                        s.close(() => resolve(port));
                });
        });
}

async function waitForServer(url) {
        for (let i = 0; i < 600; i++) { // a first start creates the cluster CA (RSA 4096)
                try {
                        execFileSync("curl", ["-sk", "-o", "/dev/null", "--fail", url]);
                        return;
                } catch {
                        await new Promise((r) => setTimeout(r, 100));
                }
        }
        throw new Error(`pveproxy did not start: ${readFileSync(join(root, "pveproxy.log"), "utf8")}`);
}

function watch(page) {
        page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        page.on("requestfailed", (r) => problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
        page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });
}

async function shot(page, name) {
        await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function available(page, dir, name) {
        return page.evaluate(async ([d, n]) => {
                const r = await fetch(`/api2/json${d}`, { credentials: "same-origin" });
                if (!r.ok) return false;
                return (await r.json()).data.some((e) => Object.values(e)[0] === n);
        }, [dir, name]);
}

before(async () => {
        mkdirSync(artifacts, { recursive: true });
        mkdirSync(join(root, "etc/network"), { recursive: true });
        writeFileSync(join(root, "etc/network/interfaces"),
                "auto lo\niface lo inet loopback\n\nauto vmbr0\niface vmbr0 inet static\n\taddress 10.66.0.1/24\n" +
                "\tbridge-ports none\n\tbridge-stp off\n\tbridge-fd 0\n");
        pvesh("create", "/access/users", "--userid", "admin@pve", "--password", password);
        pvesh("set", "/access/acl", "--path", "/", "--roles", "Administrator", "--users", "admin@pve");
        const port = await freePort();
        base = `https://${serverAddr}:${port}`;
        const log = join(root, "pveproxy.log");
        writeFileSync(log, "");
        proxy = spawn(...onServer(join(bin, "pveproxy"), ["start", "--foreground", "--listen", `${serverAddr}:${port}`]),
                { env, stdio: ["ignore", "ignore", "pipe"] });
        proxy.stderr.on("data", (d) => writeFileSync(log, d, { flag: "a" }));
        await waitForServer(`${base}/`);
        browser = await chromium.launch({
                executablePath: "/usr/bin/chromium",
                args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                       "--disable-background-networking", "--disable-component-update", "--disable-sync",
                       "--no-first-run"],
        });
});

after(async () => {
        await browser?.close();
        proxy?.kill("SIGTERM");
        rmSync(root, { recursive: true, force: true });
});

async function newPage(colorScheme = "light") {
        const context = await browser.newContext({ ignoreHTTPSErrors: true, colorScheme, viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        watch(page);
        return page;
}

async function login(page) {
        await page.goto(base);
        await page.getByLabel("User name").fill("admin");
        await page.getByLabel("Password").fill(password);
        await page.getByLabel("Realm").selectOption("pve");
        await page.getByRole("button", { name: "Login" }).click();
        await page.getByTestId("node-name").getByText(node).waitFor();
}

test("favicon is served", async () => {
        const page = await newPage();
        const r = await page.request.get(`${base}/favicon.svg`);
        assert.equal(r.status(), 200);
        assert.match(r.headers()["content-type"], /image\/svg\+xml/);
        await page.context().close();
});

test("login form, node name, summary", async () => {
        const page = await newPage();
        await page.goto(base);
        for (const label of ["User name", "Password", "Realm"]) await page.getByLabel(label).waitFor();
        assert.deepEqual(await page.getByLabel("Realm").locator("option").evaluateAll((o) => o.map((x) => x.value).sort()),
                ["pam", "pve"]);
        await shot(page, "login");
        await login(page);
        await page.getByRole("heading", { name: `Node ${node}: Summary` }).waitFor();
        await page.getByText("Memory usage").first().waitFor();
        await shot(page, "summary");
        await page.context().close();
});

test("network: list, create a bridge, apply with confirm, task log", async (t) => {
        const page = await newPage();
        await login(page);
        await page.getByRole("link", { name: "Network" }).click();
        if (!(await available(page, `/nodes/${node}`, "network"))) {
                t.skip("the network API is not part of this build");
                await page.context().close();
                return;
        }
        const table = page.getByRole("table", { name: "Network interfaces" });
        await table.getByRole("cell", { name: "vmbr0", exact: true }).waitFor();
        await shot(page, "network");

        await page.getByRole("button", { name: "Create", exact: true }).click();
        const dialog = page.getByRole("dialog", { name: "Create network interface" });
        await dialog.getByLabel("Type").selectOption("bridge");
        await dialog.getByLabel("Name").fill("vmbr1");
        await dialog.getByLabel("IPv4/CIDR").fill("10.77.0.1/24");
        await dialog.getByRole("button", { name: "Create" }).click();
        await table.getByRole("cell", { name: "vmbr1", exact: true }).waitFor();
        await page.getByLabel("Pending changes diff").getByText(/vmbr1/).first().waitFor();
        await shot(page, "network-pending");

        await page.getByRole("button", { name: "Apply Configuration" }).click();
        const apply = page.getByRole("dialog", { name: "Apply network configuration" });
        await apply.getByRole("button", { name: "Apply", exact: true }).click();
        await apply.getByRole("timer").waitFor();
        await shot(page, "network-confirm");
        await apply.getByRole("button", { name: "Keep configuration" }).click();
        await apply.getByText("Network configuration applied and kept.").waitFor();
        execFileSync(...onServer("ip", ["link", "show", "vmbr1"]));  // the bridge exists in pveproxy's namespace
        await apply.getByRole("button", { name: "Show task log" }).click();
        const log = page.getByRole("dialog", { name: "Task log: network apply" });
        await log.getByText(/TASK OK/).waitFor({ timeout: 30000 });
        await shot(page, "network-task-log");
        await log.getByRole("button", { name: "Close" }).click();
        await apply.getByRole("button", { name: "Close" }).click();
        await page.context().close();
});

test("tasks: list and live log", async (t) => {
        const page = await newPage();
        await login(page);
        await page.getByRole("link", { name: "Tasks" }).click();
        await page.getByRole("heading", { name: "Tasks" }).waitFor();
        if (!(await available(page, `/nodes/${node}`, "tasks"))) {
                t.skip("the task API is not part of this build");
                await page.context().close();
                return;
        }
        // A finished task to look at, besides whatever the network test started.
        execFileSync(join(process.env.PVEHOST_HELPERS, "test-task"),
                ["--sync", "--type", "srvreload", "--id", "uitest", "--lines", "3"], { env, stdio: "ignore" });
        await page.getByRole("link", { name: "Summary" }).click();
        await page.getByRole("link", { name: "Tasks" }).click();
        const table = page.getByRole("table", { name: "Recent tasks" });
        await table.getByRole("cell", { name: "uitest", exact: true }).waitFor();
        await shot(page, "tasks");
        await table.getByRole("button", { name: /Show log of srvreload uitest/ }).click();
        const dlg = page.getByRole("dialog", { name: /Task log/ });
        await dlg.getByLabel("Task log").getByText(/TASK OK/).waitFor({ timeout: 30000 });
        await shot(page, "task-log");
        await dlg.getByRole("button", { name: "Close" }).click();
        await page.context().close();
});

test("certificates: info and custom upload", async (t) => {
        const page = await newPage();
        await login(page);
        await page.getByRole("link", { name: "Certificates" }).click();
        await page.getByRole("heading", { name: "Certificates", level: 1 }).waitFor();
        await shot(page, "certificates");
        if (!(await available(page, `/nodes/${node}`, "certificates"))) {
                t.skip("the certificates API is not part of this build");
                await page.context().close();
                return;
        }
        const table = page.getByRole("table", { name: "Certificate files" });
        await table.getByRole("cell", { name: "pve-ssl.pem" }).waitFor();
        const dir = mkdtempSync(join(tmpdir(), "pvehost-cert-"));
        execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=ui.example",
                "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
        await page.getByRole("button", { name: "Upload Custom Certificate" }).click();
        const dlg = page.getByRole("dialog", { name: "Upload custom certificate" });
        await dlg.getByLabel("Certificate chain (PEM)").fill(readFileSync(join(dir, "cert.pem"), "utf8"));
        await dlg.getByLabel("Private key (PEM)").fill(readFileSync(join(dir, "key.pem"), "utf8"));
        await dlg.getByRole("button", { name: "Upload" }).click();
        await table.getByRole("cell", { name: "pveproxy-ssl.pem" }).waitFor({ timeout: 30000 });
        await shot(page, "certificates-custom");
        rmSync(dir, { recursive: true, force: true });
        await page.context().close();
});

test("boot and metric server pages", async () => {
        const page = await newPage();
        await login(page);
        await page.getByRole("link", { name: "Boot" }).click();
        await page.getByRole("heading", { name: "Boot", level: 1 }).waitFor();
        await page.waitForLoadState("networkidle");
        await shot(page, "boot");
        await page.getByRole("link", { name: "Metric Server" }).click();
        await page.getByRole("heading", { name: "Metric Server", level: 1 }).waitFor();
        await page.waitForLoadState("networkidle");
        if (await page.getByRole("button", { name: "Add" }).count()) {
                await page.getByRole("button", { name: "Add" }).click();
                const dlg = page.getByRole("dialog", { name: "Add metric server" });
                await dlg.getByLabel("Name").fill("graphite1");
                await dlg.getByLabel("Server").fill("127.0.0.1");
                await dlg.getByRole("button", { name: "Add" }).click();
                await page.getByRole("table", { name: "External metric servers" }).getByRole("cell", { name: "graphite1", exact: true }).waitFor();
        }
        await shot(page, "metric-server");
        await page.context().close();
});

test("keyboard only, accessible names, dark theme", async () => {
        const page = await newPage("dark");
        await page.goto(base);
        await page.getByLabel("User name").waitFor();
        await page.keyboard.press("Tab");
        assert.equal(await page.evaluate(() => document.activeElement.id && document.activeElement.labels[0].textContent), "User name");
        await page.keyboard.type("admin");
        await page.keyboard.press("Tab");
        await page.keyboard.type(password);
        await page.keyboard.press("Tab");
        await page.keyboard.press("ArrowDown"); // realm pam -> pve
        assert.equal(await page.getByLabel("Realm").inputValue(), "pve");
        await page.keyboard.press("Tab");
        assert.equal(await page.evaluate(() => document.activeElement.textContent), "Login");
        await page.keyboard.press("Enter");
        await page.getByTestId("node-name").getByText(node).waitFor();

        // Reach "Tasks" in the navigation with the keyboard alone.
        for (let i = 0; i < 30; i++) {
                await page.keyboard.press("Tab");
                if (await page.evaluate(() => document.activeElement.textContent === "Tasks")) break;
        }
        await page.keyboard.press("Enter");
        await page.getByRole("heading", { name: "Tasks", level: 1 }).waitFor();

        for (const link of ["Summary", "Network", "Certificates", "Boot", "Tasks", "Metric Server"]) {
                await page.getByRole("link", { name: link }).click();
                await page.waitForLoadState("networkidle");
                const unnamed = await page.evaluate(() => [...document.querySelectorAll("button, input, select, textarea, a[href]")]
                        .filter((e) => !(e.getAttribute("aria-label") || e.labels?.length || e.textContent.trim()))
                        .map((e) => e.outerHTML.slice(0, 80)));
                assert.deepEqual(unnamed, [], `controls without an accessible name on ${link}`);
        }
        assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
        await page.getByRole("link", { name: "Summary" }).click();
        await shot(page, "summary-dark");
        await page.getByRole("button", { name: "Dark theme" }).click();
        await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
        assert.equal(await page.getByRole("button", { name: "Dark theme" }).getAttribute("aria-pressed"), "false");
        await page.context().close();
});

test("no console error and no failed request on any page", () => {
        assert.deepEqual(problems, []);
});
