using System;

namespace Loomcycle.FakeServer;

/// <summary>Demo data of the administration routes: registered users, last month's and this month's usage, budgets, audit events.</summary>
public static class AdminDemoData
{
    public static void Seed(FakeState state)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset lastMonth = thisMonth.AddMonths(-1);

        state.AddUserAccount(new UserAccountRecord { Subject = "u1", DisplayName = "Demo User", CreatedAt = lastMonth, CreatedBy = "legacy" });
        state.AddUserAccount(new UserAccountRecord { Subject = "alice", DisplayName = "Alice Liddell", CreatedAt = lastMonth, CreatedBy = "legacy" });
        state.AddUserAccount(new UserAccountRecord { Subject = "bob", DisplayName = "Bob", AccessMode = "isolated", CreatedAt = lastMonth, CreatedBy = "legacy" });
        state.AddBearer(new BearerRecord { Secret = "lct_demo_alice_token_000000000000", Name = "u-alice", Subject = "alice", Scopes = new[] { "runs:create", "runs:read", "channel:publish", "channel:read" }, CreatedAt = lastMonth.AddDays(1) });

        void Use(string user, string model, int day, long input, long output, decimal cost, string currency = "USD", bool priced = true) =>
            state.AddUsage(new UsageRecord { UserId = user, Model = model, Provider = model.StartsWith("gpt", StringComparison.Ordinal) ? "openai" : "anthropic", At = lastMonth.AddDays(day).AddHours(9), InputTokens = input, OutputTokens = output, Cost = cost, Currency = currency, Priced = priced });
        Use("alice", "claude-sonnet", 2, 120_000, 30_000, 0.81m);
        Use("alice", "claude-sonnet", 9, 80_000, 20_000, 0.54m);
        Use("alice", "claude-haiku", 15, 300_000, 60_000, 0.31m);
        Use("bob", "gpt-4o", 4, 50_000, 10_000, 0.45m, "EUR");
        Use("u1", "claude-haiku", 20, 10_000, 2_000, 0m, priced: false);
        state.AddUsage(new UsageRecord { UserId = "alice", Model = "claude-sonnet", At = thisMonth.AddHours(1), InputTokens = 1_000, OutputTokens = 100, Cost = 0.01m });

        state.AddLimit(new LimitRecord { Scope = "user", ScopeId = "alice", SoftLimit = 800_000, HardLimit = 1_000_000, Used = 1_100, UpdatedBy = "legacy" });
        state.AddLimit(new LimitRecord { Scope = "tenant", HardLimit = 50_000_000, Used = 1_100, UpdatedBy = "legacy" });

        state.AddAuditEvent("user.created", "{\"subject\":\"alice\"}", at: lastMonth.AddHours(2));
        state.AddAuditEvent("token.minted", "{\"subject\":\"alice\",\"def_id\":\"def_demo\"}", at: lastMonth.AddDays(1));
        state.AddAuditEvent("limit.set", "{\"scope\":\"user\",\"scope_id\":\"alice\"}", at: lastMonth.AddDays(1).AddHours(1));
    }
}
