#!/usr/bin/python3
"""Test client for the Junos emulator: connects with ncclient (junos handler, host key from a
~/.ssh/known_hosts: run with HOME set), loads an XML configuration (operation="delete" allowed), commits with a
comment and prints, one a line: the framing offered, load-success, commit-success.

    HOME=DIR netconf_probe.py PORT USER PASSWORD XML_CONFIG COMMENT
"""
import sys

from ncclient import manager
from ncclient.xml_ import to_ele

port, user, password, config, comment = sys.argv[1:6]
with manager.connect(host="127.0.0.1", port=int(port), username=user, password=password, hostkey_verify=True,
                     ssh_config=None, look_for_keys=False, allow_agent=False,
                     device_params={"name": "junos"}) as m:
    print("base11" if ":base:1.1" in " ".join(m.server_capabilities) else "base10")
    m.lock()
    reply = m.load_configuration(format="xml", action="merge", config=to_ele(config))
    print("load-success" if reply.xpath("//load-success") else "load failed")
    print("commit-success" if m.commit(comment=comment).xpath("//commit-success") else "commit failed")
    m.unlock()
