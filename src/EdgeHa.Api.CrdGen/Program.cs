using System.CommandLine;
using EdgeHa.Api.Schema;
using EdgeHa.Hosting;

// Writes the RedundantPair CRD generated from the EdgeHa.Api types, and optionally refreshes the generated
// field reference inside a Markdown file. Exit codes: 0 done, 1 stale (--check), 2 bad arguments or a failed write.
var checkFlag = Flag.Switch("--check", "write nothing; exit 1 when a file differs from what would be generated");
var docsFlag = Flag.Text("--docs", "also replace the text between the generated-reference markers in FILE.md").Shown("FILE.md");
var outputArgument = new Argument<string>("OUTPUT_DIR") { Description = "where the CRD goes (default crds/)", Arity = ArgumentArity.ZeroOrOne };
var root = ProgramCommandLine.Root("EdgeHa.Api.CrdGen", "Generates the RedundantPair CRD (and its field reference) from the EdgeHa.Api types", checkFlag, docsFlag);
root.Add(outputArgument);
var parsed = ProgramCommandLine.Parse(root, args, (result, _) => new CrdGenArguments(result.GetValue(outputArgument), result.GetValue(docsFlag), result.GetValue(checkFlag)));
if (parsed.Finish(Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

var (directory, docs, check) = parsed.Options!;
try
{
    var outputs = new List<(string Path, string Text)>
    {
        (Path.Combine(directory ?? "crds", CrdGenerator.FileName), CrdGenerator.GenerateYaml()),
    };
    if (docs is not null)
    {
        outputs.Add((docs, ApiReferenceGenerator.ReplaceGeneratedSection(File.ReadAllText(docs))));
    }

    var stale = 0;
    foreach (var (path, text) in outputs)
    {
        var current = File.Exists(path) ? File.ReadAllText(path) : null;
        if (check)
        {
            stale += current == text ? 0 : 1;
            Console.WriteLine(current == text ? $"{path} is up to date" : $"{path} is stale; run make manifests");
        }
        else if (current != text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, text);
            Console.WriteLine($"wrote {path}");
        }
        else
        {
            Console.WriteLine($"{path} unchanged");
        }
    }

    return stale == 0 ? 0 : 1;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
{
    Console.Error.WriteLine($"generation failed: {e.Message}");
    return 2;
}

/// <summary>What to generate where.</summary>
internal sealed record CrdGenArguments(string? Directory, string? Docs, bool Check);
