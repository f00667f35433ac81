using System.Text;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>SecretSet: the per-stream compiled secrets find what SecretRedactor masks, in the raw UTF-8 bytes.</summary>
    public sealed class SecretSetTests
    {
        [Theory]
        [InlineData("tok+en/with&<chars>", "a tok+en/with&<chars> b")]
        [InlineData("tok+en/with&<chars>", "a tok\\u002Ben/with\\u0026\\u003Cchars\\u003E b")]
        [InlineData("tok+en/with&<chars>", "a tok\\u002ben\\/with\\u0026\\u003cchars\\u003e b")]
        [InlineData("tök€n-ünicode-1234", "{\"text\":\"x tök€n-ünicode-1234 y\"}")]
        public void FindsAndMasksWhatTheRedactorMasks(string secret, string text)
        {
            SecretSet set = SecretSet.Create(new[] { secret });
            Assert.True(set.OccursIn(Encoding.UTF8.GetBytes(text)));
            Assert.Equal(SecretRedactor.Redact(text, new[] { secret }), set.Redact(text));
        }

        [Fact]
        public void FramesWithoutASecret_NotFound()
        {
            SecretSet set = SecretSet.Create(new[] { "lc_token_0123456789" });
            Assert.False(set.OccursIn(Encoding.UTF8.GetBytes("{\"type\":\"text\",\"text\":\"lc_token_012345678 almost\"}")));
            Assert.True(SecretSet.Create(new[] { "abc" }).IsEmpty); // too short to mask, as in SecretRedactor
        }

        [Theory]
        [InlineData("lc_token_0123456789", "{\"text\":\"lc_token_\\u0030123456789\"}", true)] // \u0030 is '0'
        [InlineData("lc_token_0123456789", "{\"text\":\"\\t\\n \\\"quoted\\\" \\\\ \\/\"}", false)] // short escapes cannot spell this token
        [InlineData("lc/token/0123456789", "{\"text\":\"lc\\/token/0123456789\"}", true)] // '/' written as \/ in one place only
        [InlineData("lc_token_0123456789", "{\"text\":\"plain\"}", false)]
        public void EscapesThatCanHideASecret_Detected(string secret, string frame, bool expected)
        {
            Assert.Equal(expected, SecretSet.Create(new[] { secret }).MayHideBehindEscapes(Encoding.UTF8.GetBytes(frame)));
        }
    }
}
