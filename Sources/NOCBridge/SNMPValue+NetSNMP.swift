import CNetSNMP

/// Conversions between `SNMPValue` and Net-SNMP varbinds. Agent thread only.
extension SNMPValue {
    /// Reads a varbind's value (`ls_var_value`).
    init(_ vb: UnsafePointer<netsnmp_variable_list>) {
        var v = ls_value()
        ls_var_value(vb, &v)
        let type = UInt8(truncatingIfNeeded: v.type)
        switch type {
        case LS_ASN_INTEGER: self = .integer(Int32(truncatingIfNeeded: v.integer))
        case LS_ASN_GAUGE: self = .gauge32(UInt32(truncatingIfNeeded: v.integer))
        case LS_ASN_COUNTER: self = .counter32(UInt32(truncatingIfNeeded: v.integer))
        case LS_ASN_TIMETICKS: self = .timeTicks(UInt32(truncatingIfNeeded: v.integer))
        case LS_ASN_COUNTER64: self = .counter64(v.counter64)
        case LS_ASN_OCTET_STR:
            self = .octetString(v.bytes.map { Array(UnsafeBufferPointer(start: $0, count: v.length)) } ?? [])
        case LS_ASN_OBJECT_ID:
            self = .objectIdentifier(v.objid.map { Array(UnsafeBufferPointer(start: $0, count: v.length)) } ?? [])
        default: self = .other(type)
        }
    }

    /// Stores the value in a varbind (`snmp_set_var_typed_value`, which allocates for long values).
    func store(in vb: UnsafeMutablePointer<netsnmp_variable_list>) throws(NetSNMPError) {
        try netSNMPCall("snmp_set_var_typed_value", failed: { $0 != 0 }) {
            switch self {
            case .integer(let i): setLong(vb, LS_ASN_INTEGER, Int(i))
            case .gauge32(let u): setLong(vb, LS_ASN_GAUGE, Int(u))
            case .counter32(let u): setLong(vb, LS_ASN_COUNTER, Int(u))
            case .timeTicks(let u): setLong(vb, LS_ASN_TIMETICKS, Int(u))
            case .counter64(let u): ls_var_set_counter64(vb, u)
            case .octetString(let bytes):
                bytes.withUnsafeBufferPointer {
                    snmp_set_var_typed_value(vb, LS_ASN_OCTET_STR, $0.baseAddress, $0.count)
                }
            case .objectIdentifier(let arcs):
                arcs.withUnsafeBufferPointer {
                    snmp_set_var_typed_value(vb, LS_ASN_OBJECT_ID, $0.baseAddress, $0.count * MemoryLayout<oid>.size)
                }
            case .other(let type): snmp_set_var_typed_value(vb, type, nil, 0)
            }
        }
    }

    /// Appends `oid = value` to a notification's varbind list (`snmp_varlist_add_variable`).
    func append(to list: inout UnsafeMutablePointer<netsnmp_variable_list>?, oid: [UInt]) {
        oid.withUnsafeBufferPointer { name in
            let n = name.baseAddress, len = name.count
            switch self {
            case .counter64(let u): _ = ls_varlist_add_counter64(&list, n, len, u)
            case .integer(let i): var l = Int(i); _ = snmp_varlist_add_variable(&list, n, len, LS_ASN_INTEGER, &l, MemoryLayout<Int>.size)
            case .gauge32(let u): var l = Int(u); _ = snmp_varlist_add_variable(&list, n, len, LS_ASN_GAUGE, &l, MemoryLayout<Int>.size)
            case .counter32(let u): var l = Int(u); _ = snmp_varlist_add_variable(&list, n, len, LS_ASN_COUNTER, &l, MemoryLayout<Int>.size)
            case .timeTicks(let u): var l = Int(u); _ = snmp_varlist_add_variable(&list, n, len, LS_ASN_TIMETICKS, &l, MemoryLayout<Int>.size)
            case .octetString(let bytes):
                _ = bytes.withUnsafeBufferPointer { snmp_varlist_add_variable(&list, n, len, LS_ASN_OCTET_STR, $0.baseAddress, $0.count) }
            case .objectIdentifier(let arcs):
                _ = arcs.withUnsafeBufferPointer {
                    snmp_varlist_add_variable(&list, n, len, LS_ASN_OBJECT_ID, $0.baseAddress, $0.count * MemoryLayout<oid>.size)
                }
            case .other(let type): _ = snmp_varlist_add_variable(&list, n, len, type, nil, 0)
            }
        }
    }
}

extension CellValue {
    /// Stores the value in a varbind without copying it first: a string's UTF-8 and a time's 11
    /// octets go to `snmp_set_var_typed_value` from where they are (it copies short values into
    /// the varbind's own buffer).
    func store(in vb: UnsafeMutablePointer<netsnmp_variable_list>) throws(NetSNMPError) {
        try netSNMPCall("snmp_set_var_typed_value", failed: { $0 != 0 }) {
            switch self {
            case .integer(let i): setLong(vb, LS_ASN_INTEGER, Int(i))
            case .gauge32(let u): setLong(vb, LS_ASN_GAUGE, Int(u))
            case .counter64(let u): ls_var_set_counter64(vb, u)
            case .text(var s): s.withUTF8 { snmp_set_var_typed_value(vb, LS_ASN_OCTET_STR, $0.baseAddress, $0.count) }
            case .dateAndTime(let t):
                DateAndTime.withOctets(t) { snmp_set_var_typed_value(vb, LS_ASN_OCTET_STR, $0.baseAddress, $0.count) }
            }
        }
    }
}

private func setLong(_ vb: UnsafeMutablePointer<netsnmp_variable_list>, _ type: UInt8, _ value: Int) -> Int32 {
    var l = value
    return snmp_set_var_typed_value(vb, type, &l, MemoryLayout<Int>.size)
}
