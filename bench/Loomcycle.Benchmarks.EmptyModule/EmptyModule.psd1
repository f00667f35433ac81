@{
    ModuleVersion     = '1.0.0'
    RootModule        = 'EmptyModule.dll'
    GUID              = '5b0e4a8c-2f55-4f0e-9a61-0c8f3f4f2d11'
    Author            = 'Loomcycle.PowerShell contributors'
    Description       = 'Baseline for the Import-Module benchmark: an empty binary module.'
    PowerShellVersion = '5.1'
    CmdletsToExport   = @('Get-BenchEmpty')
    FunctionsToExport = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
