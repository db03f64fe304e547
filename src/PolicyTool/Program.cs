using Cds.PolicyTool;

return ToolApp.Run(args, Console.Out, Console.Error);
