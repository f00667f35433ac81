using System;
using Xunit;

namespace Loomcycle.Client.Tests
{
    /// <summary>Administration (issue 11): the server's codes of the admin routes become their typed exceptions.</summary>
    public sealed class AdminEngineTests
    {
        [Theory]
        [InlineData(422, "{\"code\":\"tool_refused\",\"error\":\"retire: refusing to retire the last admin-scoped token\",\"tool\":\"OperatorTokenDef\"}", typeof(ToolRefusedException))]
        [InlineData(409, "{\"code\":\"user_exists\",\"error\":\"user alice already exists\"}\n", typeof(UserExistsException))]
        [InlineData(409, "{\"code\":\"user_disabled\",\"error\":\"user alice is disabled\"}\n", typeof(UserDisabledException))]
        [InlineData(404, "{\"code\":\"user_not_found\",\"error\":\"user alice not found\"}\n", typeof(UserNotFoundException))]
        [InlineData(404, "{\"code\":\"token_not_found\",\"error\":\"token def_x not found\"}\n", typeof(TokenNotFoundException))]
        [InlineData(400, "{\"code\":\"tenant_required\",\"error\":\"pass ?tenant=\"}\n", typeof(TenantRequiredException))]
        [InlineData(400, "{\"code\":\"confirm_mismatch\",\"error\":\"confirm must equal subject\"}\n", typeof(InvalidArgumentException))]
        [InlineData(403, "{\"code\":\"forbidden\",\"error\":\"operator budgets are admin-only\"}\n", typeof(AuthException))]
        [InlineData(403, "insufficient scope\n", typeof(AuthException))]
        [InlineData(503, "{\"code\":\"audit_unavailable\",\"error\":\"set LOOMCYCLE_AUDIT_LOG_PATH\"}\n", typeof(UnavailableException))]
        [InlineData(503, "{\"error\":\"metrics sampler not enabled\",\"enable_hint\":\"set X\"}\n", typeof(UnavailableException))]
        [InlineData(404, "{\"error\":\"run not found\"}\n", typeof(NotFoundException))]
        public void AdminCodesAreTyped(int status, string body, Type expected)
        {
            LoomcycleException error = ErrorClassifier.Classify(status, null, body, ApiArea.Admin);
            Assert.IsType(expected, error);
            Assert.Equal(status, error.StatusCode);
        }

        [Fact]
        public void TenantRequiredSaysWhatToDo()
        {
            LoomcycleException error = ErrorClassifier.Classify(400, null, "{\"code\":\"tenant_required\",\"error\":\"admin must pass tenant\"}", ApiArea.Admin);
            Assert.StartsWith("An admin token must name the tenant", error.Message);
            Assert.DoesNotContain("-Tenant", error.Message); // PowerShell advice belongs to the cmdlet layer (RecommendedAction)
            Assert.Contains("admin must pass tenant", error.Message);
        }
    }
}
