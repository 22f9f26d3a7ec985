import Foundation
import Testing
@testable import NOCBridge

/// The RFC 5424 section 6.5 examples, reproduced byte for byte ("BOM" there is U+FEFF here).
@Suite struct SyslogRFCExampleTests {
    let bom = "\u{FEFF}"
    /// 2003-10-11T22:14:15.003Z
    let october = SyslogTimestamp(secondsSinceEpoch: 1_065_910_455, microseconds: 3000, fractionDigits: 3)

    @Test func example1_noStructuredDataWithBOM() throws {
        let message = SyslogMessage(priority: SyslogPriority(facility: .auth, severity: .critical),
                                    timestamp: october, hostname: "mymachine.example.com", appName: "su",
                                    procID: "", msgID: "ID47", body: .utf8("'su root' failed for lonvick on /dev/pts/8"))
        #expect(try message.formatted()
            == "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \(bom)'su root' failed for lonvick on /dev/pts/8")
    }

    @Test func example2_microsecondsNegativeOffsetNoBOM() throws {
        // 2003-08-24T05:14:15.000003-07:00 is 12:14:15.000003Z.
        let stamp = SyslogTimestamp(secondsSinceEpoch: 1_061_727_255, microseconds: 3,
                                    utcOffsetMinutes: -420, fractionDigits: 6)
        let message = SyslogMessage(priority: SyslogPriority(facility: .local4, severity: .notice),
                                    timestamp: stamp, hostname: "192.0.2.1", appName: "myproc", procID: "8710",
                                    body: .any("%% It's time to make the do-nuts."))
        #expect(try message.formatted()
            == "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.")
    }

    @Test func example3_structuredDataAndMessage() throws {
        let element = try SyslogSDElement(id: "exampleSDID@32473",
                                          ["iut": "3", "eventSource": "Application", "eventID": "1011"])
        let message = SyslogMessage(priority: SyslogPriority(facility: .local4, severity: .notice),
                                    timestamp: october, hostname: "mymachine.example.com", appName: "evntslog",
                                    procID: "", msgID: "ID47", structuredData: [element],
                                    body: .utf8("An application event log entry..."))
        #expect(try message.formatted() == "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
            + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \(bom)An application event log entry...")
    }

    @Test func example4_twoElementsNoMessage() throws {
        let first = try SyslogSDElement(id: "exampleSDID@32473",
                                        ["iut": "3", "eventSource": "Application", "eventID": "1011"])
        let second = try SyslogSDElement(id: "examplePriority@32473", ["class": "high"])
        let message = SyslogMessage(priority: SyslogPriority(facility: .local4, severity: .notice),
                                    timestamp: october, hostname: "mymachine.example.com", appName: "evntslog",
                                    procID: "", msgID: "ID47", structuredData: [first, second])
        #expect(try message.formatted() == "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
            + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]")
    }
}

@Suite struct SyslogTimestampTests {
    @Test func writesZForUTCAndSignedOffsetsOtherwise() {
        #expect(SyslogTimestamp(secondsSinceEpoch: 0, fractionDigits: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(SyslogTimestamp(secondsSinceEpoch: 0, utcOffsetMinutes: 330, fractionDigits: 0).rfc3339
            == "1970-01-01T05:30:00+05:30")
        #expect(SyslogTimestamp(secondsSinceEpoch: 0, utcOffsetMinutes: -60, fractionDigits: 1).rfc3339
            == "1969-12-31T23:00:00.0-01:00")
    }

    @Test func handlesLeapDaysAndDatesBefore1970() {
        // 2024-02-29T23:59:59.999999Z
        #expect(SyslogTimestamp(secondsSinceEpoch: 1_709_251_199, microseconds: 999_999).rfc3339
            == "2024-02-29T23:59:59.999999Z")
        #expect(SyslogTimestamp(secondsSinceEpoch: -1, fractionDigits: 0).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(SyslogTimestamp(secondsSinceEpoch: 951_782_400, fractionDigits: 0).rfc3339 == "2000-02-29T00:00:00Z")
    }

    @Test func roundsADateToTheMicrosecond() {
        let stamp = SyslogTimestamp(Date(timeIntervalSince1970: 1_065_910_455.003), utcOffsetSeconds: 3600,
                                    fractionDigits: 3)
        #expect(stamp.rfc3339 == "2003-10-11T23:14:15.003+01:00")
    }
}

@Suite struct SyslogStructuredDataTests {
    static let awkward = ["a\"b", "back\\slash", "close]bracket", "\\]\"", "ends with \\", "\"", "]", "\\\\", "",
                          "unicode ü ✓ ]", "x\\y"]

    @Test(arguments: awkward)
    func escapedValuesRoundTrip(value: String) throws {
        let escaped = SyslogSDElement.escape(value)
        #expect(SyslogSDElement.unescape(Substring(escaped)) == value)
        let element = try SyslogSDElement(id: "t@8072", ["v": value])
        let parsed = try #require(SDTestParser.parse(element.formatted))
        #expect(parsed == [SDTestParser.Element(id: "t@8072", params: [.init(name: "v", value: value)])])
    }

    @Test func escapesExactlyQuoteBackslashAndBracket() {
        #expect(SyslogSDElement.escape(#"a"b\c]d[e=f"#) == #"a\"b\\c\]d[e=f"#)
        // A backslash before any other character is kept as it is (RFC 5424 section 6.3.3).
        #expect(SyslogSDElement.unescape(#"a\nb"#) == #"a\nb"#)
    }

    @Test func sdNameRules() {
        #expect(SyslogSDElement.isValidSDName("loopsentry@8072"))
        #expect(SyslogSDElement.isValidSDName(String(repeating: "x", count: 32)))
        for bad in ["", String(repeating: "x", count: 33), "a=b", "a b", "a]b", "a\"b", "ü", "tab\t"] {
            #expect(!SyslogSDElement.isValidSDName(bad), "\(bad) should be refused")
        }
        #expect(throws: SyslogFormatError.invalidSDName("a b")) { try SyslogSDParameter(name: "a b", value: "") }
        #expect(throws: SyslogFormatError.invalidEnterpriseID("x@abc")) { try SyslogSDElement(id: "x@abc") }
        #expect(throws: SyslogFormatError.invalidEnterpriseID("@8072")) { try SyslogSDElement(id: "@8072") }
        #expect(throws: Never.self) { try SyslogSDElement(id: "x@1.3.6") }
    }

    @Test func repeatedSDIDIsRefused() throws {
        let element = try SyslogSDElement(id: "a@1")
        let message = SyslogMessage(priority: SyslogPriority(facility: .daemon, severity: .info),
                                    timestamp: nil, hostname: "h", structuredData: [element, element])
        #expect(throws: SyslogFormatError.duplicateSDID("a@1")) { try message.formatted() }
    }
}

extension SyslogSeverity {
    static let info = SyslogSeverity.informational
}
