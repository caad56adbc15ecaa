using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;

namespace EdgeHa.Hosting;

/// <summary>
/// The flags of every program, built one way (System.CommandLine options): a flag given twice takes its last value, as
/// Go's flag and pflag do and as launchers that append an override expect; a bad value is a parse error that names
/// the flag and says what it expects (<c>--port: 'x' is not an integer in 0..65535</c>); durations are Go durations.
/// </summary>
public static class Flag
{
    /// <summary>Reads a flag's text; false when it is not a valid value.</summary>
    public delegate bool TryParse<T>(string text, out T value);

    /// <summary>A flag read by <paramref name="tryParse"/>; <paramref name="expected"/> ends the error "'TEXT' is not ...".</summary>
    public static Option<T> Of<T>(string name, string description, TryParse<T> tryParse, string expected, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = "value",
            // One value per token, any number of tokens: "--port 1 --port 2" parses, and the last one wins.
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (tryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"{NameOf(result)}: '{text}' is not {expected}");
                return default!;
            },
        };

    /// <summary>A free-text flag.</summary>
    public static Option<string> Text(string name, string description, params string[] aliases) =>
        Of(name, description, static (string text, out string value) =>
        {
            value = text;
            return true;
        }, "text", aliases).Shown("string");

    /// <summary>A flag given any number of times, every value kept in order (for example <c>--read</c>).</summary>
    public static Option<string[]> Repeated(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = "value", Arity = ArgumentArity.OneOrMore };

    /// <summary>Sets what the help calls the flag's value (<c>--device HOST:PORT</c>); returns the flag.</summary>
    public static Option<T> Shown<T>(this Option<T> option, string helpName)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.HelpName = helpName;
        return option;
    }

    /// <summary>An integer in <paramref name="min"/>..<paramref name="max"/> (a leading sign allowed, no spaces).</summary>
    public static Option<int> Int(string name, string description, int min, int max, params string[] aliases) =>
        Of(name, description, (string text, out int value) => TryParseInt(text, min, max, out value), $"an integer in {min}..{max}", aliases).Shown("int");

    /// <summary>The integer rule of <see cref="Int"/>, for settings that also come from elsewhere (a config file).</summary>
    public static bool TryParseInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    /// <summary>A positive Go duration (<see cref="GoDuration"/>): "4s", "500ms", "1m30s".</summary>
    public static Option<TimeSpan> Duration(string name, string description, params string[] aliases) =>
        Of(name, description, static (string text, out TimeSpan value) => GoDuration.TryParse(text, out value) && value > TimeSpan.Zero,
            "a positive duration such as 4s, 500ms or 1m30s", aliases).Shown("duration");

    /// <summary>An IPv4 or IPv6 address.</summary>
    public static Option<IPAddress> Address(string name, string description, params string[] aliases) =>
        Of(name, description, static (string text, out IPAddress value) => IPAddress.TryParse(text, out value!), "an IP address", aliases).Shown("address");

    /// <summary>A boolean: alone it means true; <c>--flag=false</c> or <c>--flag false</c> turns it off.</summary>
    public static Option<bool> Switch(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description };

    /// <summary>Calls <paramref name="set"/> with the flag's value when it was given, so unset flags keep the options' defaults.</summary>
    public static void Apply<T>(this ParseResult result, Option<T> option, Action<T> set)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(set);
        if (result.GetResult(option) is { Implicit: false })
        {
            set(result.GetValue(option)!);
        }
    }

    /// <summary>The flag's value when it was given, else <paramref name="fallback"/> (an environment variable, a default).</summary>
    public static T? GetValueOr<T>(this ParseResult result, Option<T> option, T? fallback)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetResult(option) is { Implicit: false } ? result.GetValue(option) : fallback;
    }

    private static string NameOf(ArgumentResult result) => result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;
}
