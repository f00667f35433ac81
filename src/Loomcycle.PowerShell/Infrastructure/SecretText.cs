using System;
using System.Runtime.InteropServices;
using System.Security;

namespace Loomcycle.PowerShell
{
    /// <summary>Reads a SecureString back to text, only where the user asked for it (-AsPlainText).</summary>
    internal static class SecretText
    {
        public static string? Reveal(SecureString? secure)
        {
            if (secure is null)
            {
                return null;
            }

            IntPtr pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
            try
            {
                return Marshal.PtrToStringUni(pointer, secure.Length);
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
