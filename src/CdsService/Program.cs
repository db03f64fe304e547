using Cds.Service.Hooks;
using Cds.Service.Hosting;
using Cds.Service.Policy;
using Cds.Service.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddCdsServices();
builder.AddCdsSecurity();

var app = builder.Build();
app.UseCdsErrorHandling();
app.UseCdsSecurity();
app.MapHealth();
app.MapCdsHooks();
app.MapPolicyPages();
app.Run();
