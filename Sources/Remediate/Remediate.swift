/// Remediate: incidents per (interface, VLAN) under tenant policies (auto | ack | alarm).
/// The pure core is `IncidentStateMachine` (one incident) and `IncidentBook` (all of them); the
/// shell that runs playbooks, notifies and journals carries out their `Action`s.
public enum Remediate {}
