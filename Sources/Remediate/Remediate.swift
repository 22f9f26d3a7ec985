/// Remediate: incidents per (interface, VLAN), tenant policies (auto | ack | alarm), Ansible
/// cut and restore, and the journal. Built in a later issue (#6); empty until then.
public enum Remediate {}
