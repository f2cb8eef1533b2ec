# SPDX-License-Identifier: AGPL-3.0-or-later
# carbon_config DIR TCP_PORT UDP_PORT PICKLE_PORT QUERY_PORT: writes a
# carbon-cache configuration below DIR (whisper files in DIR/whisper, one
# point per second kept for an hour) listening on 127.0.0.1 only; an empty
# UDP_PORT disables the UDP listener. Start it with
#   carbon-cache --config=DIR/carbon.conf --nodaemon start
# Sourced by the metrics tests and bench/metrics.sh.
carbon_config() {
        local dir=$1 tcp=$2 udp=$3 pickle=$4 query=$5 udp_on=False
        [ -n "$udp" ] && udp_on=True
        mkdir -p "$dir/whisper" "$dir/log" "$dir/storage"
        cat >"$dir/carbon.conf" <<CONF
[cache]
STORAGE_DIR = $dir/storage
LOCAL_DATA_DIR = $dir/whisper
WHITELISTS_DIR = $dir/storage/lists
CONF_DIR = $dir
LOG_DIR = $dir/log
PID_DIR = $dir
ENABLE_LOGROTATION = False
ENABLE_TAGS = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $tcp
ENABLE_UDP_LISTENER = $udp_on
UDP_RECEIVER_INTERFACE = 127.0.0.1
UDP_RECEIVER_PORT = ${udp:-0}
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $pickle
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = $query
WHISPER_AUTOFLUSH = True
CONF
        printf '[default]\npattern = .*\nretentions = 1s:1h\n' >"$dir/storage-schemas.conf"
}
