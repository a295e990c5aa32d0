-- axon-deploy: the health of a NodeRollout or AppRelease for Argo CD (a custom health check in
-- argocd-cm, resource.customizations.health.axon-deploy.io_<Kind>; Argo CD's Lua is 5.1).
-- The rollout controller writes status.phase: Idle is Healthy, Paused is Suspended, Stuck and Failed are Degraded,
-- anything else (Installing, Rolling, Waiting, Switching, …) is Progressing.
local hs = {}
if obj.status == nil or obj.status.phase == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the axon-deploy rollout controller"
  return hs
end
local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "waiting for the rollout controller to act on the new spec"
  return hs
end
local phase = obj.status.phase
if phase == "Idle" then
  hs.status = "Healthy"
elseif phase == "Stuck" or phase == "Failed" then
  hs.status = "Degraded"
elseif phase == "Paused" then
  hs.status = "Suspended"
else
  hs.status = "Progressing"
end
hs.message = obj.status.message
return hs
