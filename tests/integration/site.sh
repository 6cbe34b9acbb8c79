# tests/integration/site.sh: a site subnet made of two network namespaces,
# for the scripts that sweep one. Sourced first; `site_netns SCRIPT ADDRESS...`
# makes the probe's side (198.18.0.254 on a veth) and the site (the ADDRESSES
# of 198.18.0.0/24 on its peer), runs SCRIPT again inside the probe's side
# with VD_IN_NETNS=1 and NS_S naming the site, removes both and exits with
# SCRIPT's status. Only addresses inside these namespaces are touched.
site_netns () {
    local script=$1; shift
    local ns_p=vdp$$ ns_s=vds$$ rc
    if ! ip netns add "$ns_p" || ! ip netns add "$ns_s"; then
        echo "FAIL - network namespaces can be made (needs root and ip netns)"
        echo "$(basename "$script"): 0 passed, 1 failed"
        exit 1
    fi
    ip -n "$ns_p" link add vp type veth peer name vs netns "$ns_s"
    ip -n "$ns_p" link set lo up; ip -n "$ns_s" link set lo up
    ip -n "$ns_p" addr add 198.18.0.254/24 dev vp; ip -n "$ns_p" link set vp up
    for address in "$@"; do ip -n "$ns_s" addr add "$address/24" dev vs; done
    ip -n "$ns_s" link set vs up
    ip netns exec "$ns_p" env VD_IN_NETNS=1 NS_S="$ns_s" bash "$script"
    rc=$?
    ip netns pids "$ns_s" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns pids "$ns_p" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns_s"; ip netns del "$ns_p"
    exit $rc
}
