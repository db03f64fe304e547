using Cds.Service.Feedback;
using Cds.Service.Hooks;
using Cds.Service.Hosting;
using Cds.Service.Ledger;
using Cds.Service.Policy;
using Cds.Service.Security;

NativeHeap.ReturnLargeBlocksWhenFreed(); // first: before the FHIR model is compiled
var builder = WebApplication.CreateBuilder(args);
builder.AddCdsService();

var app = builder.Build();
app.UseCdsErrorHandling();
app.UseCdsSecurity();
app.MapHealth();
app.MapCdsHooks();
app.MapFeedback();
app.MapDtr();
app.MapLedger();
app.MapPolicyPages();
app.MapSandbox();
app.Run();
