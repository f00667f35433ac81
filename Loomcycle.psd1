@{
    # The module version lives here and only here; Directory.Build.props reads it for every assembly.
    ModuleVersion        = '0.3.6'
    # The edition picks its build here, with no script module: a script costs a cold process ~100 ms of parser and
    # compiler start-up (issue 15). Manifests may read $PSEdition (Windows PowerShell 5.1 included).
    RootModule           = if ($PSEdition -eq 'Core') { 'bin/Core/Loomcycle.PowerShell.dll' } else { 'bin/Desktop/Loomcycle.PowerShell.dll' }
    GUID                 = '13e5f9a8-79ad-4a4b-9caf-1950642cc6e7'
    Author               = 'Loomcycle.PowerShell contributors'
    CompanyName          = 'Loomcycle.PowerShell'
    Copyright            = '(c) Loomcycle.PowerShell contributors. Licensed under the Apache License 2.0.'
    Description          = 'PowerShell cmdlets for the loomcycle agent sidecar: run agents and stream their events, inspect and cancel agents, pause and resume the runtime, snapshots, memory, interrupts and tool hooks.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('Loomcycle.format.ps1xml')
    TypesToProcess       = @('Loomcycle.types.ps1xml')
    CmdletsToExport      = @(
        'Connect-Loomcycle',
        'Get-LoomcycleConnection',
        'Disconnect-Loomcycle',
        'Invoke-LoomcycleRun',
        'Send-LoomcycleMessage',
        'Get-LoomcycleAgent',
        'Stop-LoomcycleAgent',
        'Get-LoomcycleTranscript',
        'Get-LoomcycleHealth',
        'Test-LoomcycleConnection',
        'Get-LoomcycleUser',
        'Suspend-LoomcycleRuntime',
        'Resume-LoomcycleRuntime',
        'Get-LoomcycleRuntimeState',
        'New-LoomcycleSnapshot',
        'Get-LoomcycleSnapshot',
        'Export-LoomcycleSnapshot',
        'Restore-LoomcycleSnapshot',
        'Remove-LoomcycleSnapshot',
        'Get-LoomcycleMemoryScope',
        'Get-LoomcycleMemoryScopeId',
        'Get-LoomcycleMemory',
        'Get-LoomcycleInterrupt',
        'Resolve-LoomcycleInterrupt',
        'Register-LoomcycleHook',
        'Get-LoomcycleHook',
        'Unregister-LoomcycleHook',
        # Live (issue 10)
        'Watch-LoomcycleAgent',
        'Wait-LoomcycleAgent',
        'Send-LoomcycleInput',
        'Stop-LoomcycleTurn',
        'Compress-LoomcycleRun',
        'Receive-LoomcycleRun',
        'Enter-LoomcycleRun',
        'Invoke-LoomcycleBatch',
        'Copy-LoomcycleSession',
        'Get-LoomcycleResidentAgent',
        'Stop-LoomcycleResidentAgent',
        # Definitions (issue 13)
        'Get-LoomcycleDefinition',
        'New-LoomcycleDefinition',
        'Copy-LoomcycleDefinition',
        'Publish-LoomcycleDefinition',
        'Remove-LoomcycleDefinition',
        'Test-LoomcycleDefinition',
        'Sync-LoomcycleDefinition',
        'Get-LoomcycleSchedule',
        'Start-LoomcycleSchedule',
        'Suspend-LoomcycleSchedule',
        'Resume-LoomcycleSchedule',
        'Get-LoomcycleVolume',
        'Get-LoomcyclePreset',
        # Hooks (issue 14)
        'Get-LoomcycleHookListener',
        'Stop-LoomcycleHookListener',
        # Administration (issue 11)
        'Get-LoomcycleIdentity',
        'Get-LoomcycleServerConfiguration',
        'Get-LoomcycleRunnableAgent',
        'New-LoomcycleUser',
        'Set-LoomcycleUser',
        'Remove-LoomcycleUser',
        'Get-LoomcycleTenant',
        'New-LoomcycleUserToken',
        'Get-LoomcycleUserToken',
        'Revoke-LoomcycleUserToken',
        'New-LoomcycleOperatorToken',
        'Get-LoomcycleOperatorToken',
        'Update-LoomcycleOperatorToken',
        'Revoke-LoomcycleOperatorToken',
        'Get-LoomcycleUsage',
        'Get-LoomcycleLimit',
        'Set-LoomcycleLimit',
        'Remove-LoomcycleLimit',
        'Get-LoomcycleErasureReport',
        'Invoke-LoomcycleErasure',
        'Get-LoomcycleAuditEvent',
        'Get-LoomcycleResolver',
        'Get-LoomcycleRouting',
        'Get-LoomcycleModel',
        'Get-LoomcycleConcurrency',
        'Get-LoomcycleMetric',
        'Get-LoomcycleRetention',
        # Data (issue 12)
        'Set-LoomcycleMemory',
        'Remove-LoomcycleMemory',
        'Search-LoomcycleMemory',
        'Get-LoomcycleMemoryEmbedding',
        'Update-LoomcycleMemoryEmbedding',
        'Watch-LoomcycleMemory',
        'Watch-LoomcycleDocument',
        'Get-LoomcycleChannel',
        'New-LoomcycleChannel',
        'Set-LoomcycleChannel',
        'Remove-LoomcycleChannel',
        'Clear-LoomcycleChannel',
        'Send-LoomcycleChannelMessage',
        'Receive-LoomcycleChannelMessage',
        'Confirm-LoomcycleChannelMessage',
        'Wait-LoomcycleChannel',
        'Get-LoomcycleChat',
        'Rename-LoomcycleChat',
        'Set-LoomcycleChat',
        'Export-LoomcycleChat'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            # What a gallery shows. ReleaseNotes is filled from CHANGELOG.md by ./build.ps1 -Task Package.
            Tags         = @('loomcycle', 'agents', 'ai', 'llm', 'sse', 'automation', 'snapshots', 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/denn-gubsky/loomcycle'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
