package matching

import (
	"testing"
)

func TestFitFunctions(t *testing.T) {
	tests := []struct {
		name      string
		got, want int
	}{
		{"ordinal equal", scOrdFit(3, 3), 1000},
		{"ordinal 1 apart", scOrdFit(2, 3), 750},
		{"ordinal extremes", scOrdFit(1, 5), 0},
		{"ordinal missing a", scOrdFit(0, 3), scMissing},
		{"ordinal missing b", scOrdFit(3, 0), scMissing},
		{"noise within tolerance", scNoiseFit(4, 3, 4), 1000},
		{"noise one level over", scNoiseFit(2, 3, 3), 750},
		{"noise only guests", scNoiseFit(1, 5, 0), 0},
		{"noise tolerance missing", scNoiseFit(0, 3, 3), scMissing},
		{"noise nothing said", scNoiseFit(3, 0, 0), scMissing},
		{"accept absent", scAcceptFit(scNever, scNo), 1000},
		{"accept fine", scAcceptFit(scFine, scYes), 1000},
		{"accept rather not", scAcceptFit(scRather, scYes), 250},
		{"accept never", scAcceptFit(scNever, scYes), 0},
		{"accept unanswered", scAcceptFit(0, scYes), scMissing},
		{"accept trait unanswered", scAcceptFit(scFine, 0), scMissing},
		{"languages none shared", scLangFit(2, 2, 0, 4), 0},
		{"languages one of three", scLangFit(2, 2, 1, 3), 800},
		{"languages identical", scLangFit(1, 1, 1, 1), 1000},
		{"languages missing", scLangFit(0, 2, 0, 2), scMissing},
		{"jaccard", scSetFit(3, 3, 2, 4), 500},
		{"jaccard disjoint", scSetFit(1, 2, 0, 3), 0},
		{"jaccard rounds half up", scSetFit(2, 2, 1, 3), 333},
		{"jaccard missing", scSetFit(2, 0, 0, 2), scMissing},
		{"age inside", scAgeFit(25, 40, 30), 1000},
		{"age 3 below", scAgeFit(25, 40, 22), 700},
		{"age no upper bound", scAgeFit(25, 0, 80), 1000},
		{"age far above", scAgeFit(25, 40, 60), 0},
		{"age no wish", scAgeFit(0, 0, 30), scNoWish},
		{"age unknown", scAgeFit(25, 40, 0), scMissing},
		{"gender fits", scGenderFit(scWishWomen, scMan, scWoman), 1000},
		{"gender does not fit", scGenderFit(scWishWomen, scWoman, scMan), 0},
		{"gender same", scGenderFit(scWishSame, scOther, scOther), 1000},
		{"gender same, own unanswered", scGenderFit(scWishSame, 0, scWoman), scMissing},
		{"gender no wish", scGenderFit(0, scWoman, scMan), scNoWish},
		{"gender other unanswered", scGenderFit(scWishMen, scMan, 0), scMissing},
		{"move-in same window", scMoveInFit(10, 19, 10, 19, true, true), 1000},
		{"move-in half of shorter", scMoveInFit(0, 99, 90, 109, true, true), 500},
		{"move-in inside longer", scMoveInFit(0, 99, 40, 49, true, true), 1000},
		{"move-in disjoint", scMoveInFit(0, 9, 20, 29, true, true), 0},
		{"move-in missing", scMoveInFit(0, 9, 0, 9, true, false), scMissing},
		{"budget equal", scBudgetFit(400, 400), 1000},
		{"budget 200 apart", scBudgetFit(400, 600), 750},
		{"budget a range apart", scBudgetFit(200, 1000), 0},
		{"budget missing", scBudgetFit(0, 400), scMissing},
		{"cost within budget", scCostFit(400, 350), 1000},
		{"cost 15% over", scCostFit(400, 460), 500},
		{"cost 30% over", scCostFit(400, 520), 0},
		{"cost no budget", scCostFit(0, 350), scMissing},
		{"support exact", scSupportFit(2, 2), 1000},
		{"support surplus", scSupportFit(1, 3), 800},
		{"support one short", scSupportFit(2, 1), 600},
		{"support no care", scSupportFit(-1, 3), scNoWish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("fit = %d; want %d", tt.got, tt.want)
			}
		})
	}
}

func TestDistrictProximity(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"Bologna", "bologna ", 1000},
		{"Bologna", "Savena Idice", 600},
		{"Savena Idice", "Bologna", 600},
		{"Reno Lavino Samoggia", "Appennino Bolognese", 600},
		{"Pianura Est", "Pianura Ovest", 600},
		{"Pianura Est", "Appennino Bolognese", 200},
		{"Savena Idice", "Pianura Ovest", 200},
		{"Imola", "Bologna", 200},
		{"Imola", "imola", 1000},
	}
	for _, tt := range tests {
		if got := DistrictProximity(tt.a, tt.b); got != tt.want {
			t.Errorf("DistrictProximity(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
