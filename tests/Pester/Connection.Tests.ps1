BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Connect-Loomcycle and Get-LoomcycleConnection' {
    It 'makes the connection current and never shows the token' {
        $token = ConvertTo-SecureString 'pester-secret-token-0123456789' -AsPlainText -Force
        Connect-Loomcycle -BaseUrl $server.BaseUrl -Token $token
        $connection = Get-LoomcycleConnection -Current
        $connection.BaseUri.ToString() | Should -Be "$($server.BaseUrl)/"
        $connection.HasToken | Should -BeTrue
        $connection.Source | Should -Be 'Connect-Loomcycle'
        ($connection | Format-List * | Out-String) | Should -Not -Match 'pester-secret-token'
        "$connection" | Should -Not -Match 'pester-secret-token'
    }

    It 'returns a separate connection with -PassThru -NoDefault' {
        Connect-Loomcycle -BaseUrl $server.BaseUrl
        $other = Connect-Loomcycle -BaseUrl 'http://127.0.0.1:1' -PassThru -NoDefault
        (Get-LoomcycleConnection).BaseUri.Port | Should -Be $server.Port
        $other.BaseUri.Port | Should -Be 1
        Test-LoomcycleConnection -Connection $other | Should -BeFalse
    }

    It 'refuses a token over plain http to a host that is not loopback' {
        $token = ConvertTo-SecureString 'x-secret' -AsPlainText -Force
        $before = Get-LoomcycleConnection -Current
        $refusal = { Connect-Loomcycle -BaseUrl 'http://loomcycle.example.com' -Token $token } | Should -Throw -ErrorId 'InvalidArgument*' -PassThru
        $refusal.Exception.Message | Should -BeLike '*not a loopback address*'
        $refusal.ErrorDetails.RecommendedAction | Should -BeLike '*-AllowUnencryptedAuthentication*'   # the PowerShell advice
        (Get-LoomcycleConnection -Current).BaseUri | Should -Be $before.BaseUri # the refused connection did not become current
        # The switch is the way through: the same call then succeeds.
        (Connect-Loomcycle -BaseUrl 'http://loomcycle.example.com' -Token $token -AllowUnencryptedAuthentication -PassThru -NoDefault).HasToken | Should -BeTrue
    }

    It 'falls back to the environment after Disconnect-Loomcycle' {
        Connect-Loomcycle -BaseUrl $server.BaseUrl
        Disconnect-Loomcycle
        $env:LOOMCYCLE_BASE_URL = $server.BaseUrl
        try {
            $connection = Get-LoomcycleConnection
            $connection.Source | Should -Be 'Environment'
            Test-LoomcycleConnection | Should -BeTrue
        }
        finally {
            Remove-Item Env:LOOMCYCLE_BASE_URL
        }
    }
}

Describe 'Get-LoomcycleHealth and Test-LoomcycleConnection' {
    BeforeAll { Connect-Loomcycle -BaseUrl $server.BaseUrl }

    It 'reports the server as healthy' {
        $health = Get-LoomcycleHealth
        $health | Should -BeOfType ([Loomcycle.Health])
        $health.Ok | Should -BeTrue
        $health.Version | Should -Not -BeNullOrEmpty
    }

    It 'returns a bool and never throws' {
        Test-LoomcycleConnection | Should -BeOfType ([bool])
        Test-LoomcycleConnection -Connection (Connect-Loomcycle -BaseUrl 'http://127.0.0.1:1' -PassThru -NoDefault) -MaximumRetryCount 0 | Should -BeFalse
    }
}
