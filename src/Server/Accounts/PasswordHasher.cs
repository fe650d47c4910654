using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SocketChat.Server.Accounts;

// Salted PBKDF2-SHA256, stored as pbkdf2-sha256$ITERATIONS$SALT$HASH (base64), so the iteration count can
// rise later without invalidating existing passwords.
internal static class PasswordHasher
{
    public const string Scheme = "pbkdf2-sha256";

    // OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    public const int Iterations = 600_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verified against when the account does not exist, so a wrong name costs as long as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public static string DecoyHash => Decoy.Value;

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    // True when encoded is a hash this class can verify.
    public static bool IsWellFormed(string encoded) => TryParse(encoded, out _, out _, out _);

    public static bool Verify(string password, string encoded)
    {
        if (!TryParse(encoded, out var iterations, out var salt, out var expected))
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string encoded, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = encoded.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations < Iterations)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        return salt.Length >= SaltBytes && hash.Length >= HashBytes;
    }
}
