using System;
using System.Management.Automation;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Turns engine exceptions into ErrorRecords with a stable id (the exception's name without
    /// "Exception"), a category that says what went wrong, and the resource as target. The engine's message
    /// says what is wrong in .NET terms; what a PowerShell user should do about it (which parameter, which
    /// cmdlet) is added here, as ErrorDetails.RecommendedAction.
    /// </summary>
    internal static class LoomcycleErrors
    {
        public static ErrorRecord From(Exception exception, object? target) => From(exception, target, null);

        /// <summary>As <see cref="From(Exception, object?)"/>, with advice the cmdlet knows better than the general one.</summary>
        public static ErrorRecord From(Exception exception, object? target, string? recommendedAction)
        {
            if (exception is LoomcycleException loomcycle)
            {
                var record = new ErrorRecord(loomcycle, ErrorId(loomcycle), Category(loomcycle), (object?)loomcycle.Target ?? target);
                string? advice = recommendedAction ?? RecommendedAction(loomcycle);
                if (advice is not null)
                {
                    record.ErrorDetails = new ErrorDetails(loomcycle.Message) { RecommendedAction = advice };
                }

                return record;
            }

            return new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target);
        }

        /// <summary>A local file could not be read or written (missing, denied, locked, disk full): the item's error.</summary>
        public static ErrorRecord FromFile(Exception exception, object? target) =>
            new ErrorRecord(exception, "FileAccessFailed", FileErrorCategory(exception), target);

        private static ErrorCategory FileErrorCategory(Exception exception) => exception switch
        {
            System.IO.FileNotFoundException or System.IO.DirectoryNotFoundException => ErrorCategory.ObjectNotFound,
            UnauthorizedAccessException => ErrorCategory.PermissionDenied,
            _ => ErrorCategory.ResourceUnavailable, // locked by another program, a full disk, a directory in the way
        };

        /// <summary>A connection that Disconnect-Loomcycle (or Dispose) closed was used again.</summary>
        public static ErrorRecord ConnectionClosed(LoomcycleConnection connection)
        {
            var exception = new ObjectDisposedException(nameof(LoomcycleConnection), "This connection was disposed; create a new LoomcycleConnection.");
            return new ErrorRecord(exception, "ConnectionClosed", ErrorCategory.ResourceUnavailable, connection)
            {
                ErrorDetails = new ErrorDetails(exception.Message)
                {
                    RecommendedAction = "This connection was closed (Disconnect-Loomcycle); connect again with Connect-Loomcycle.",
                },
            };
        }

        internal static string ErrorId(LoomcycleException exception)
        {
            string name = exception.GetType().Name;
            if (name == nameof(LoomcycleException))
            {
                return "LoomcycleServerError";
            }

            return name.EndsWith("Exception", StringComparison.Ordinal) ? name.Substring(0, name.Length - "Exception".Length) : name;
        }

        internal static ErrorCategory Category(LoomcycleException exception) => exception switch
        {
            NotFoundException => ErrorCategory.ObjectNotFound,
            AuthException auth => auth.StatusCode == 403 ? ErrorCategory.PermissionDenied : ErrorCategory.AuthenticationError,
            InvalidArgumentException => ErrorCategory.InvalidArgument,
            SessionBusyException or AgentIdInUseException or AlreadyPausingException => ErrorCategory.ResourceBusy,
            NotPausedException or ToolRefusedException or UserDisabledException or ChannelCursorRegressionException => ErrorCategory.InvalidOperation,
            UserExistsException => ErrorCategory.ResourceExists,
            NotMidTurnException or NotInteractiveException => ErrorCategory.InvalidOperation,
            RunBusyException => ErrorCategory.ResourceBusy,
            SnapshotTooLargeException or BackpressureException or LimitExceededException => ErrorCategory.LimitsExceeded,
            SnapshotVersionException => ErrorCategory.InvalidData,
            UnavailableException => ErrorCategory.ResourceUnavailable,
            LoomcycleTimeoutException => ErrorCategory.OperationTimeout,
            LoomcycleProtocolException => ErrorCategory.ProtocolError,
            LoomcycleConnectionException => ErrorCategory.ConnectionError,
            RunFailedException => ErrorCategory.InvalidResult,
            ChannelPublishFailedException => ErrorCategory.WriteError,
            _ => exception.StatusCode switch
            {
                409 => ErrorCategory.ResourceExists,
                410 => ErrorCategory.InvalidOperation,
                _ => ErrorCategory.InvalidResult,
            },
        };

        private static string? RecommendedAction(LoomcycleException exception) => exception switch
        {
            AuthException { StatusCode: 403 } => "The token is valid but lacks the scope this operation needs; use a token with that scope.",
            AuthException => "Check the token given to Connect-Loomcycle -Token or in LOOMCYCLE_AUTH_TOKEN.",
            ToolRefusedException => "The server refused on purpose (for the last admin token: create or rotate another substrate:admin token first).",
            TenantRequiredException => "Add -Tenant with the tenant's name; -Tenant '' names the default tenant.",
            UserDisabledException => "Enable the user first: Set-LoomcycleUser -Subject <subject> -Status active.",
            BackpressureException => "The server is at capacity; retry later or raise -MaximumRetryCount.",
            PauseNotConfiguredException => "This server has no pause manager (it needs a persistent store).",
            LoomcycleConnectionException => "Check that the server is running and that the base URL (Get-LoomcycleConnection) is right.",
            LoomcycleTimeoutException => "The server did not answer in time; check it, or raise the timeouts with Connect-Loomcycle.",
            _ => null,
        };
    }
}
