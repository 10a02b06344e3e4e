# SPDX-License-Identifier: GPL-2.0
"""Drive dwcp_res from Python with pyroute2, a netlink library nobody here
wrote (Debian's python3-pyroute2): resolve the family, list the policies
(a dump), change a policy (POLICY_SET) and read the change back, see a
kernel refusal come back as an error with its extack, and receive the
"policy changed" event from the "events" multicast group.

The attribute and command numbers come from the uapi header, the one
contract (selftests/kselftest/third_party.sh passes its path): this client
knows nothing else of dwcp_res. Prints TAP 13; exit 0 all passed, 1 not.

usage: pyroute2_client.py HEADER POLICY
"""
import re
import select
import sys

from pyroute2.netlink import (NLA_F_NESTED, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
                              genlmsg, nla)
from pyroute2.netlink.exceptions import NetlinkError
from pyroute2.netlink.generic import GenericNetlinkSocket

NLA_TYPES = {"u8": "uint8", "u32": "uint32", "u64": "uint64", "s32": "int32",
             "string": "asciiz", "NLA_NUL_STRING": "asciiz", "flag": "flag"}


def enum(text, name):
    """[(value, C name, pyroute2 type)] of enum NAME; the type is the first
    word of the enumerator's comment ("hex" when there is none)."""
    body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S).group(1)
    out, val = [], -1
    for line in body.splitlines():
        m = re.match(r"\s*(\w+)\s*(?:=\s*(\w+))?\s*,\s*(?:/\*\s*(\w+))?", line)
        if not m or m.group(1).startswith("__"):
            continue
        val = int(m.group(2), 0) if m.group(2) else val + 1
        out.append((val, m.group(1), NLA_TYPES.get(m.group(3), "hex")))
    return out


def main():
    header, policy = sys.argv[1], sys.argv[2]
    text = open(header).read()
    cmds = {n: v for v, n, _ in enum(text, "dwcp_res_cmd")}
    top = enum(text, "dwcp_res_attr")
    pol = enum(text, "dwcp_res_policy_attr")

    class nest(nla):
        nla_flags = NLA_F_NESTED  # strict validation wants the flag
        nla_map = tuple((v, n, t) for v, n, t in pol)

    class dwcpmsg(genlmsg):
        nla_map = tuple((v, n, "policy_nest" if n == "DWCP_RES_A_POLICY" else t)
                        for v, n, t in top)
        policy_nest = nest

    n, fails = 0, 0

    def check(name, ok, why=""):
        nonlocal n, fails
        n += 1
        print("%s %d %s" % ("ok" if ok else "not ok", n, name))
        if not ok:
            fails += 1
            for line in str(why).splitlines():
                print("# " + line)

    print("TAP version 13")
    sk = GenericNetlinkSocket()
    sk.bind("dwcp_res", dwcpmsg)
    check("family_resolved", sk.prid > 0, "family id %r" % sk.prid)
    check("events_group_known", "events" in sk.mcast_groups, sk.mcast_groups)

    def request(cmd, attrs=(), flags=NLM_F_REQUEST | NLM_F_ACK):
        msg = dwcpmsg()
        msg["cmd"] = cmds[cmd]
        msg["version"] = 1
        msg["attrs"] = list(attrs)
        return list(sk.nlm_request(msg, msg_type=sk.prid, msg_flags=flags))

    def get_policy(name):
        reply = request("DWCP_RES_CMD_POLICY_GET",
                        [("DWCP_RES_A_POLICY_NAME", name)], NLM_F_REQUEST)
        return reply[0].get_attr("DWCP_RES_A_POLICY")

    # A dump: every policy of the namespace, the DWCP profile among them.
    names = [m.get_attr("DWCP_RES_A_POLICY_NAME")
             for m in request("DWCP_RES_CMD_POLICY_GET", (),
                              NLM_F_REQUEST | NLM_F_DUMP)]
    check("dump_lists_policies",
          {"send", "receive", "sync", "consensus", policy} <= set(names), names)

    # Listen to the events group (on a socket of its own: the requests'
    # socket reads, and keeps aside, whatever arrives), then change the policy.
    ev = GenericNetlinkSocket()
    ev.bind("dwcp_res", dwcpmsg)
    ev.add_membership("events")
    before = get_policy(policy).get_attr("DWCP_RES_P_BULKHEAD_MAX")
    want = 77 if before != 77 else 78
    try:
        request("DWCP_RES_CMD_POLICY_SET", [
            ("DWCP_RES_A_POLICY_NAME", policy),
            ("DWCP_RES_A_POLICY", {"attrs": [("DWCP_RES_P_BULKHEAD_MAX", want)]}),
        ])
        err = None
    except NetlinkError as e:
        err = e
    check("policy_set_acked", err is None, err)
    got = get_policy(policy).get_attr("DWCP_RES_P_BULKHEAD_MAX")
    check("policy_set_read_back", got == want, "concurrent %r, wanted %r" % (got, want))

    # The kernel refuses an out-of-range value, with its extack.
    try:
        request("DWCP_RES_CMD_POLICY_SET", [
            ("DWCP_RES_A_POLICY_NAME", policy),
            ("DWCP_RES_A_POLICY", {"attrs": [("DWCP_RES_P_BULKHEAD_MAX", 0)]}),
        ])
        err = None
    except NetlinkError as e:
        err = e
    check("out_of_range_refused", err is not None and err.code == 34, err)
    got = get_policy(policy).get_attr("DWCP_RES_P_BULKHEAD_MAX")
    check("refusal_left_state", got == want, "concurrent %r" % got)

    # The event of the change: policy NAME changed.
    event = None
    for _ in range(20):
        if not select.select([ev], [], [], 0.5)[0]:
            continue
        for m in ev.get():
            if (m["cmd"] == cmds["DWCP_RES_CMD_EVENT_POLICY"]
                    and m.get_attr("DWCP_RES_A_POLICY_NAME") == policy):
                event = m
        if event:
            break
    check("event_received", event is not None, "no policy event for %s" % policy)
    if event:
        print("# event: policy %s action %s" % (
            event.get_attr("DWCP_RES_A_POLICY_NAME"),
            event.get_attr("DWCP_RES_A_EVENT_POLICY")))
    ev.close()
    sk.close()
    print("1..%d" % n)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
