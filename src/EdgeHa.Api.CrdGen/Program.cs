using EdgeHa.Api.Schema;

// Writes the RedundantPair CRD generated from the EdgeHa.Api types, and optionally refreshes the generated
// field reference inside a Markdown file.
// Usage: EdgeHa.Api.CrdGen [OUTPUT_DIR] [--docs FILE.md] [--check]   (OUTPUT_DIR defaults to crds/)
//   --docs FILE.md  also replace the text between the generated-reference markers in FILE.md
//   --check         write nothing; exit 1 when a file differs from what would be generated
const string Usage = "Usage: EdgeHa.Api.CrdGen [OUTPUT_DIR] [--docs FILE.md] [--check]";
if (args.Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(Usage);
    return 0;
}

var check = false;
string? docs = null;
string? directory = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--check":
            check = true;
            break;
        case "--docs" when i + 1 < args.Length:
            docs = args[++i];
            break;
        case var a when !a.StartsWith("--", StringComparison.Ordinal) && directory is null:
            directory = a;
            break;
        default:
            Console.Error.WriteLine($"unexpected argument '{args[i]}'\n{Usage}");
            return 2;
    }
}

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
