using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>SecretRedactor: the secret and its JSON-escaped spellings are masked; short secrets are not.</summary>
    public sealed class SecretRedactorTests
    {
        [Theory]
        [InlineData("tok+en/with&<chars>", "a tok+en/with&<chars> b")]
        [InlineData("tok+en/with&<chars>", "a tok\\u002Ben/with\\u0026\\u003Cchars\\u003E b")]
        [InlineData("tok+en/with&<chars>", "a tok\\u002ben\\/with\\u0026\\u003cchars\\u003e b")]
        [InlineData("tok+en/with&<chars>", "a tok+en/with\\u0026\\u003cchars\\u003e b")]
        [InlineData("tok+en/with&<chars>", "a tok+en\\/with\\u0026\\u003cchars\\u003e b")]
        public void SecretAndItsJsonEscapedForms_Masked(string secret, string text)
        {
            Assert.Equal("a *** b", SecretRedactor.Redact(text, new[] { secret }));
        }

        [Fact]
        public void ShortSecretsNullTextAndNoSecrets_LeftAlone()
        {
            Assert.Equal("abc abc", SecretRedactor.Redact("abc abc", new[] { "abc" }));
            Assert.Null(SecretRedactor.Redact(null, new[] { "secret-1234" }));
            Assert.Equal("secret-1234", SecretRedactor.Redact("secret-1234", null));
        }
    }
}
