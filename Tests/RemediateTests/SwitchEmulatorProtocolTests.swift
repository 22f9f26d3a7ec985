import Foundation
import Testing

/// The emulators speak their protocols as the devices do, seen from plain clients
/// (Tests/Emulators/cli_probe.py on paramiko, netconf_probe.py on ncclient), not only from Ansible.
@Suite(.serialized, .enabled(if: SwitchEmulator.available, SwitchEmulator.unavailable))
struct SwitchEmulatorProtocolTests {
    @Test("IOS CLI: prompts, '^' marker under the bad word, config modes, except, write memory, copy with its prompt")
    func iosTranscript() throws {
        let sw = try IOSSwitch()
        let e = sw.emulator
        let out = try AnsibleTestShell.must([SwitchEmulator.python, "\(SwitchEmulator.directory)/cli_probe.py",
                                             "\(e.home)/.ssh/known_hosts", String(e.port), SwitchEmulator.user,
                                             SwitchEmulator.password, "show bogus", "enable",
                                             "show running-config interface Gi1/0/9", "configure terminal",
                                             "interface Gi1/0/1", "switchport trunk allowed vlan except 5", "end",
                                             "write memory", "copy running-config startup-config", "", "exit"])
        #expect(out == """

            sw1>show bogus
                     ^
            % Invalid input detected at '^' marker.

            sw1>enable
            sw1#show running-config interface Gi1/0/9
                                              ^
            % Invalid input detected at '^' marker.

            sw1#configure terminal
            Enter configuration commands, one per line.  End with CNTL/Z.
            sw1(config)#interface Gi1/0/1
            sw1(config-if)#switchport trunk allowed vlan except 5
            sw1(config-if)#end
            sw1#write memory
            Building configuration...
            [OK]
            sw1#copy running-config startup-config
            Destination filename [startup-config]? 
            Building configuration...
            [OK]
            sw1#
            """)
        #expect(e.log("commands.log") == ["show bogus", "enable", "show running-config interface Gi1/0/9",
                                          "configure terminal", "interface Gi1/0/1",
                                          "switchport trunk allowed vlan except 5", "end", "write memory",
                                          "copy running-config startup-config", "exit"])
        #expect(try sw.flows("GigabitEthernet1/0/1", startup: true) == "1-4,6-4094")
    }

    @Test("Junos NETCONF: ncclient's junos handler, 1.1 framing, XML load with operation=delete, commit with comment")
    func junosXMLLoad() throws {
        let sw = try JunosSwitch()
        let e = sw.emulator
        let xml = """
            <configuration><interfaces><interface><name>xe-0/0/1</name><unit><name>0</name><family>\
            <ethernet-switching><vlan><members operation="delete">20</members><members>30</members></vlan>\
            </ethernet-switching></family></unit></interface></interfaces></configuration>
            """
        let out = try AnsibleTestShell.must(["/usr/bin/env", "HOME=\(e.home)", SwitchEmulator.python,
                                             "\(SwitchEmulator.directory)/netconf_probe.py", String(e.port),
                                             SwitchEmulator.user, SwitchEmulator.password, xml, "probe xml"])
        #expect(out == "base11\nload-success\ncommit-success\n")
        #expect(e.log("rpc.log") == [
            "hello framing=1.1-chunked", "lock",
            "load-configuration action=merge format=xml: delete interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 20"
                + " | set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members 30",
            "commit-configuration log=probe xml", "unlock", "close-session"])
        #expect(try sw.committed("xe-0/0/1") == (["10", "40-49", "30"], "10,30,40-49"))
    }
}
