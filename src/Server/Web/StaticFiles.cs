using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace SocketChat.Server.Web;

// The browser client's files, embedded in the program (Web/wwwroot), each with its type and ETag.
internal static class StaticFiles
{
    private const string Prefix = "wwwroot/";

    public sealed record File(byte[] Content, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, File> Files = Load();

    // The file served at path (/ is /index.html); null when there is none.
    public static File? Find(string path) =>
        Files.GetValueOrDefault(path == "/" ? "index.html" : path.TrimStart('/'));

    private static FrozenDictionary<string, File> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, File>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            files[path] = new File(content, TypeOf(path), $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string TypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" or ".webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    };
}
