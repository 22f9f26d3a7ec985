import Foundation
import PackagePlugin

/// Compiles every `bpf/*.bpf.c` of the package with the toolchain's clang (`-target bpf`)
/// and turns each object into generated Swift (`BPFObjects.swift`) that embeds its bytes,
/// so the binary needs no resource bundle and no object file is ever committed.
@main
struct BPFCompilerPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let bpfDir = context.package.directoryURL.appending(path: "bpf")
        let entries = try FileManager.default.contentsOfDirectory(atPath: bpfDir.path)
        let sources = entries.filter { $0.hasSuffix(".bpf.c") }.sorted()
        let headers = entries.filter { $0.hasSuffix(".h") }.sorted().map { bpfDir.appending(path: $0) }
        guard !sources.isEmpty else {
            throw BPFPluginError("no bpf/*.bpf.c sources in \(bpfDir.path)")
        }
        let clang = try context.tool(named: "clang").url
        let embed = try context.tool(named: "BPFEmbed").url
        let outDir = context.pluginWorkDirectoryURL
        let archInclude = ["/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu"]
            .first { FileManager.default.fileExists(atPath: $0) }

        var commands: [Command] = []
        var objects: [URL] = []
        for source in sources {
            let input = bpfDir.appending(path: source)
            let object = outDir.appending(path: source.replacingOccurrences(of: ".bpf.c", with: ".bpf.o"))
            objects.append(object)
            var args = ["-x", "c", "-O2", "-g", "-target", "bpf", "-Wall", "-Werror",
                        "-I", bpfDir.path]
            if let archInclude { args += ["-I", archInclude] }
            args += ["-c", input.path, "-o", object.path]
            commands.append(.buildCommand(
                displayName: "Compiling BPF \(source)",
                executable: clang,
                arguments: args,
                inputFiles: [input] + headers,
                outputFiles: [object]
            ))
        }
        let generated = outDir.appending(path: "BPFObjects.swift")
        commands.append(.buildCommand(
            displayName: "Embedding BPF objects",
            executable: embed,
            arguments: [generated.path] + objects.map(\.path),
            inputFiles: objects,
            outputFiles: [generated]
        ))
        return commands
    }
}

struct BPFPluginError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
