package index

import "github.com/convivo/convivo/housing"

// Index names of the house-life records (housing.LifeStore). The
// assignment indexes are ordered by due date: each store keeps the date
// beside the id (boltstore in the key, redisstore as the score of a
// sorted set) so that a time window is one range read.
const (
	TaskHome         = "task.home"
	AssignmentHome   = "assignment.home"   // ordered by Due
	AssignmentPerson = "assignment.person" // ordered by Due; who holds it now
	OutingDistrict   = "outing.district"
	OutingHome       = "outing.home"
	OutingInvitee    = "outing.invitee"
	CheckInPerson    = "checkin.person"
	CheckInPlacement = "checkin.placement"
	EventPlacement   = "event.placement"
	EventPerson      = "event.person"
	AlertPlacement   = "alert.placement"
	AlertStatus      = "alert.status"
)

// Life returns the names of the house-life indexes, unordered ones first.
func Life() []string {
	return []string{
		TaskHome, OutingDistrict, OutingHome, OutingInvitee,
		CheckInPerson, CheckInPlacement, EventPlacement, EventPerson,
		AlertPlacement, AlertStatus,
		AssignmentHome, AssignmentPerson,
	}
}

// Task returns a task's index entries.
func Task(t *housing.Task) []Entry {
	return []Entry{{TaskHome, t.HomeID}}
}

// Assignment returns an assignment's index entries, without their order:
// the stores add the due date.
func Assignment(a *housing.Assignment) []Entry {
	return []Entry{{AssignmentHome, a.HomeID}, {AssignmentPerson, a.PersonID}}
}

// Outing returns an outing's index entries: its district, if any, and one
// per home and per invitee.
func Outing(o *housing.Outing) []Entry {
	var es []Entry
	if o.District != "" {
		es = append(es, Entry{OutingDistrict, o.District})
	}
	for _, h := range o.HomeIDs {
		es = append(es, Entry{OutingHome, h})
	}
	for _, p := range o.Invitees {
		es = append(es, Entry{OutingInvitee, p})
	}
	return es
}

// CheckIn returns a check-in's index entries.
func CheckIn(c *housing.CheckIn) []Entry {
	return []Entry{{CheckInPerson, c.PersonID}, {CheckInPlacement, c.PlacementID}}
}

// Event returns an event's index entries.
func Event(e *housing.Event) []Entry {
	return []Entry{{EventPlacement, e.PlacementID}, {EventPerson, e.PersonID}}
}

// Alert returns an alert's index entries.
func Alert(a *housing.Alert) []Entry {
	return []Entry{{AlertPlacement, a.PlacementID}, {AlertStatus, string(a.Status)}}
}
