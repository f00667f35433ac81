using System;

namespace Loomcycle
{
    /// <summary>A user with that subject already exists in the tenant (409 <c>user_exists</c>).</summary>
    public class UserExistsException : LoomcycleException
    {
        public UserExistsException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }

    /// <summary>The user is disabled, so no token can be minted for it (409 <c>user_disabled</c>).</summary>
    public class UserDisabledException : LoomcycleException
    {
        public UserDisabledException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }

    /// <summary>No user with that subject exists in the tenant (404 <c>user_not_found</c>).</summary>
    public class UserNotFoundException : NotFoundException
    {
        public UserNotFoundException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }

    /// <summary>No delegated token with that id belongs to the subject (404 <c>token_not_found</c>).</summary>
    public class TokenNotFoundException : NotFoundException
    {
        public TokenNotFoundException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }

    /// <summary>An admin token reached a per-tenant route without naming the tenant (400 <c>tenant_required</c>).</summary>
    public class TenantRequiredException : InvalidArgumentException
    {
        public TenantRequiredException(string message, int statusCode = 0, string? code = null, string? bodyText = null, Exception? innerException = null)
            : base(message, statusCode, code, bodyText, innerException) { }
    }

    /// <summary>The server codes of the administration routes, turned into their typed exceptions.</summary>
    internal static class AdminErrorCodes
    {
        public static LoomcycleException? ByCode(string code, string message, int status, string body)
        {
            switch (code)
            {
                case "user_exists": return new UserExistsException(message, status, code, body);
                case "user_disabled":
                    return new UserDisabledException(message + " Enable the user first.", status, code, body);
                case "user_not_found": return new UserNotFoundException(message, status, code, body);
                case "token_not_found": return new TokenNotFoundException(message, status, code, body);
                case "tenant_required":
                    return new TenantRequiredException(
                        "An admin token must name the tenant (the tenant query parameter; empty means the default tenant). Server: " + message,
                        status, code, body);
                default: return null;
            }
        }
    }
}
