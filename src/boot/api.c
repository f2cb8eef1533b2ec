/* SPDX-License-Identifier: AGPL-3.0-or-later */

/*
 * API of proxmox-boot-tool's state for the web UI: the boot status (ESPs,
 * kernels, pins) and kernel pinning. Upstream has no such methods; they
 * follow its conventions (node path, Sys.Audit to read, Sys.Modify to
 * change). Pinning only records the choice, as "kernel pin" does when run
 * without a terminal; the ESPs change with the next refresh.
 */

#include "api/call.h"
#include "api/json-util.h"
#include "basic/alloc.h"
#include "boot/boot.h"
#include "boot/kernels.h"

#define KERNEL_VERSION_PATTERN "[A-Za-z0-9][A-Za-z0-9.+~_-]{0,127}"

static const ApiSchema esp_props[] = {
        { .name = "uuid", .type = API_TYPE_STRING, .description = "Filesystem UUID of the ESP, as listed in /etc/kernel/proxmox-boot-uuids." },
        { .name = "present", .type = API_TYPE_BOOLEAN, .description = "A block device with this UUID exists." },
        { .name = "device", .type = API_TYPE_STRING, .optional = true, .description = "The device node." },
        { .name = "modes", .type = API_TYPE_ARRAY, .optional = true, .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "Boot-loader layouts found on the ESP (uefi: systemd-boot, grub)." },
        { .name = "sync-mode", .type = API_TYPE_STRING, .optional = true, .enum_values = (const char *const[]) { "systemd-boot", "grub", NULL },
          .description = "How refresh configures this ESP." },
        { .name = "uefi-versions", .type = API_TYPE_ARRAY, .optional = true, .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "Kernel versions below EFI/proxmox." },
        { .name = "grub-versions", .type = API_TYPE_ARRAY, .optional = true, .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "Kernel versions in the ESP's root (GRUB)." },
        { .name = "free", .type = API_TYPE_INTEGER, .optional = true, .renderer = "bytes", .description = "Free space in bytes." },
        { .name = "in-sync", .type = API_TYPE_BOOLEAN, .optional = true,
          .description = "The ESP holds exactly the selected kernels and configuration." },
        { .name = "pending-changes", .type = API_TYPE_INTEGER, .optional = true, .description = "Operations a refresh would do." },
        { .name = "space-missing", .type = API_TYPE_INTEGER, .optional = true, .description = "Bytes a refresh lacks on this ESP." },
        { .name = "error", .type = API_TYPE_STRING, .optional = true },
        {},
};

static const ApiSchema kernels_props[] = {
        { .name = "manual", .type = API_TYPE_ARRAY, .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "Manually selected kernels." },
        { .name = "automatic", .type = API_TYPE_ARRAY, .items = &(const ApiSchema) { .type = API_TYPE_STRING },
          .description = "Automatically selected kernels." },
        { .name = "pinned", .type = API_TYPE_STRING, .optional = true, .description = "Pinned kernel." },
        { .name = "next-boot", .type = API_TYPE_STRING, .optional = true, .description = "Kernel pinned on next boot." },
        {},
};

static const ApiSchema status_props[] = {
        { .name = "mode", .type = API_TYPE_STRING, .enum_values = (const char *const[]) { "efi", "legacy-bios", NULL },
          .description = "Through which firmware the system got booted." },
        { .name = "secureboot", .type = API_TYPE_BOOLEAN, .optional = true, .description = "Secure Boot is enabled (EFI only)." },
        { .name = "configured", .type = API_TYPE_BOOLEAN,
          .description = "proxmox-boot-tool manages the ESPs (/etc/kernel/proxmox-boot-uuids exists)." },
        { .name = "esps", .type = API_TYPE_ARRAY, .items = &(const ApiSchema) { .type = API_TYPE_OBJECT, .properties = esp_props } },
        { .name = "kernels", .type = API_TYPE_OBJECT, .properties = kernels_props },
        { .name = "sync-error", .type = API_TYPE_STRING, .optional = true,
          .description = "Why the wanted ESP contents cannot be computed (e.g. the kernel command line)." },
        {},
};

/* Every method acts on this node and holds the tool's lock, as the command line does. */
static int boot_call_begin(ApiCall *call, BootContext *ctx, LockFile *lock) {
        _cleanup_free_ char *err = NULL;
        const char *node;
        int r;

        r = api_local_node(call, &node);
        if (r < 0)
                return r;
        boot_context_init(ctx, NULL, NULL);
        r = boot_lock(lock, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static int get_boot_status(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL;
        BootContext ctx;
        unsigned missing;
        int r;

        r = boot_call_begin(call, &ctx, &lock);
        if (r < 0)
                return r;
        r = boot_status(&ctx, ret, &missing, &err);
        if (r == -ENOENT)
                return 0; /* not set up: still a valid status */
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static const ApiSchema pin_params[] = {
        API_PARAM_NODE,
        { .name = "version", .type = API_TYPE_STRING, .pattern = KERNEL_VERSION_PATTERN,
          .description = "Kernel ABI version to boot by default, e.g. 6.8.12-4-pve." },
        { .name = "next-boot", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Pin the version for the next boot only." },
        {},
};

static const ApiSchema unpin_params[] = {
        API_PARAM_NODE,
        { .name = "next-boot", .type = API_TYPE_BOOLEAN, .optional = true, .default_value = "0",
          .description = "Only remove the pin for the next boot." },
        {},
};

static int pin_kernel(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL;
        BootContext ctx;
        int r;

        r = boot_call_begin(call, &ctx, &lock);
        if (r < 0)
                return r;
        r = boot_kernel_pin(&ctx, api_param_str(call, "version"), api_param_bool(call, "next-boot"), &err);
        if (r == -ENOENT)
                return api_param_error(call, "version", "no kernel image found in /boot for '%s'",
                                       api_param_str(call, "version"));
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static int unpin_kernel(ApiCall *call, json_t **ret) {
        _cleanup_(lock_file_release) LockFile lock = LOCK_FILE_INIT;
        _cleanup_free_ char *err = NULL, *last = NULL;
        BootContext ctx;
        int r;

        r = boot_call_begin(call, &ctx, &lock);
        if (r < 0)
                return r;
        r = boot_kernel_unpin(&ctx, api_param_bool(call, "next-boot"), &last, &err);
        if (r < 0)
                return api_error(call, 500, "%s", err);
        return 0;
}

static const ApiMethod boot_methods[] = {
        {
                .path = "/nodes/{node}/boot",
                .http_method = API_GET,
                .name = "boot_status",
                .description = "Boot loader status: ESPs kept in sync by proxmox-boot-tool, selected and pinned kernels.",
                .parameters = api_params_node_only,
                .returns = { .type = API_TYPE_OBJECT, .properties = status_props },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Audit"),
                .handler = get_boot_status,
        },
        {
                .path = "/nodes/{node}/boot/pin",
                .http_method = API_POST,
                .name = "pin_kernel",
                .description = "Pin a kernel version as the default boot entry (applied to the ESPs by the next refresh).",
                .parameters = pin_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = pin_kernel,
        },
        {
                .path = "/nodes/{node}/boot/pin",
                .http_method = API_DELETE,
                .name = "unpin_kernel",
                .description = "Remove the pinned kernel version (and the next-boot pin).",
                .parameters = unpin_params,
                .returns = { .type = API_TYPE_NULL },
                .permissions = API_PERM_PRIVS("/nodes/{node}", "Sys.Modify"),
                .protected_ = true,
                .handler = unpin_kernel,
        },
};

API_REGISTER_METHODS(boot_methods);
