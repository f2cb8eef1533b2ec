/* SPDX-License-Identifier: AGPL-3.0-or-later */
#pragma once

/* Every fuzz target defines this (libFuzzer's entry point). */

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
